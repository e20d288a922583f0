import { Alert, Button, Checkbox, Form, Radio, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Prescription, VisitCheckSchema } from '../../../core/api/schemas';
import type { z } from 'zod';
import { formatDateTime } from '../../app/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { orderText } from '../patients/Orders';

type Check = z.infer<typeof VisitCheckSchema>;

/** Order and patient: the open orders, the visit's verdict on the chosen one, the two checks. */
export function VisitOrderStep({
  orders,
  check,
  checkError,
  onFullWizard,
}: {
  orders: Prescription[] | undefined;
  check: Check | undefined;
  checkError: unknown;
  onFullWizard: () => void;
}) {
  const { t, i18n } = useTranslation();
  const required = (v: unknown) => (v === true ? Promise.resolve() : Promise.reject(new Error(t('form.required'))));
  return (
    <>
      <Form.Item
        name="orderId"
        label={t('refill.order')}
        rules={[{ required: true, message: t('refill.chooseOrder') }]}
      >
        <Radio.Group
          style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
          options={(orders ?? []).map((o) => ({
            value: o.id,
            label: (
              <span data-testid="visit-order">{`#${o.id} ${orderText(t, o)}${o.fillVolumeMl === null ? '' : ` — ${t('orders.fillVolume')} ${o.fillVolumeMl} mL`} (${o.orderedBy}, ${formatDateTime(o.orderedAt, i18n.language)})`}</span>
            ),
          }))}
        />
      </Form.Item>
      {orders?.length === 0 && <Alert type="error" showIcon role="alert" title={t('refill.noOrder')} />}
      {check !== undefined && !check.eligible && (
        <Alert
          type="warning"
          showIcon
          role="alert"
          data-testid="visit-not-possible"
          style={{ marginBottom: 16 }}
          title={t('visit.notPossible')}
          description={
            <Space orientation="vertical">
              <ul style={{ margin: 0, paddingLeft: 20 }}>
                {check.blockers.map((b) => (
                  <li key={b}>{t(`visit.blocker.${b}`)}</li>
                ))}
              </ul>
              <Button type="primary" onClick={onFullWizard} data-testid="open-full-refill">
                {t('visit.openFullRefill')}
              </Button>
            </Space>
          }
        />
      )}
      <ErrorAlert error={checkError} />
      {check?.eligible === true && (
        <>
          <Alert
            type="success"
            showIcon
            style={{ marginBottom: 16 }}
            data-testid="visit-possible"
            title={t('visit.possible')}
          />
          <Form.Item name="identity" valuePropName="checked" rules={[{ validator: (_, v) => required(v) }]}>
            <Checkbox>{t('visit.identity')}</Checkbox>
          </Form.Item>
          <Form.Item
            name="noSymptoms"
            valuePropName="checked"
            rules={[{ validator: (_, v) => required(v) }]}
            extra={t('visit.symptomsHint')}
          >
            <Checkbox>{t('refill.symptom.none')}</Checkbox>
          </Form.Item>
        </>
      )}
    </>
  );
}
