import { Alert, Button, Card, Checkbox, Form, Radio, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { InterrogateBar } from '../pump/InterrogateBar';
import { OrderChoice } from './RefillParts';
import type { RefillWizardState } from './useRefillWizard';
import { formatQuantity } from '../../app/format';

/**
 * The first step: read the pump, then the order to fill, the patient's identity and symptoms; an
 * order that does not fit the pump (another dose, or a drug or concentration change the user may
 * not make) is named and stops the visit here.
 */
export function WizardOrderStep({ wizard }: { wizard: RefillWizardState }) {
  const { t } = useTranslation();
  const { step, status, patient, checks, checksDraft, orders, order, orderProblems, identity, symptoms, next } = wizard;
  return (
    <div hidden={step !== 0}>
      <Card title={t('refill.step.order')}>
        <InterrogateBar />
        {status !== undefined && (
          <Space orientation="vertical" style={{ width: '100%', marginTop: 16 }}>
            {patient.data === null && <Alert type="error" showIcon title={t('dashboard.unregistered')} />}
            {patient.data != null && (
              <Typography.Text strong data-testid="refill-patient">
                {t('dashboard.patient', { name: patient.data.name, identifier: patient.data.identifier })}
              </Typography.Text>
            )}
            <Typography.Text>
              {t('refill.pumpHolds', {
                drug: t(`drug.${status.drug}`),
                concentration: formatQuantity(status.concentration, t),
                dose: formatQuantity(status.dailyDose, t),
                volume: status.reservoirVolume.value,
              })}
            </Typography.Text>
            <Form form={checks} layout="vertical" initialValues={checksDraft}>
              <OrderChoice orders={orders.data} testId="refill-order" />
              <Form.Item
                name="identity"
                valuePropName="checked"
                rules={[
                  {
                    validator: (_, v) =>
                      v === true ? Promise.resolve() : Promise.reject(new Error(t('form.required'))),
                  },
                ]}
              >
                <Checkbox>{t('refill.identity')}</Checkbox>
              </Form.Item>
              <Form.Item
                name="symptoms"
                label={t('refill.symptoms')}
                rules={[{ required: true, message: t('form.required') }]}
              >
                <Radio.Group
                  options={(['none', 'overdose', 'withdrawal'] as const).map((v) => ({
                    value: v,
                    label: t(`refill.symptom.${v}`),
                  }))}
                />
              </Form.Item>
            </Form>
            {orders.data?.length === 0 && (
              <Alert type="error" showIcon role="alert" data-testid="no-order" title={t('refill.noOrder')} />
            )}
            {orderProblems.length > 0 && (
              <Alert
                type="error"
                showIcon
                role="alert"
                data-testid="order-problem"
                title={
                  <ul style={{ margin: 0, paddingLeft: 20 }}>
                    {orderProblems.map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                }
              />
            )}
            {(symptoms === 'overdose' || symptoms === 'withdrawal') && (
              <Alert type="error" showIcon title={t('refill.callPhysician')} />
            )}
            <Button
              type="primary"
              disabled={
                patient.data == null ||
                order === undefined ||
                orderProblems.length > 0 ||
                identity !== true ||
                symptoms === undefined
              }
              onClick={() => void next(checks)}
            >
              {t('refill.next')}
            </Button>
          </Space>
        )}
      </Card>
    </div>
  );
}
