import { Alert, Button, Checkbox, Form, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { OrderChoice } from './RefillParts';
import type { Prescription } from '../../../core/api/schemas';
import type { VisitCheckSchema } from '../../../core/api/refill-schemas';
import type { z } from 'zod';
import { ErrorAlert } from '../../components/ErrorAlert';

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
  const { t } = useTranslation();
  const required = (v: unknown) => (v === true ? Promise.resolve() : Promise.reject(new Error(t('form.required'))));
  return (
    <>
      <OrderChoice orders={orders} testId="visit-order" />
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
