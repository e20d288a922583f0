import { DECIMAL_INPUT } from '../../../core/quantity';
import { Alert, Button, Card, Checkbox, Form, Input, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ForecastView } from '../../components/ForecastView';
import { DiscrepancyAck } from './DiscrepancyAck';
import { type RefillWizardState } from './useRefillWizard';

/**
 * The withdrawn (step 2) and instilled (step 3) volumes on one form: the rinse at a drug change,
 * the discrepancy with the service's figures as they are typed, and at step 3 the forecast and
 * the bridge plan (`bridgePlan`).
 */
export function WizardVolumesStep({ wizard, bridgePlan }: { wizard: RefillWizardState; bridgePlan: ReactNode }) {
  const { t } = useTranslation();
  const {
    step,
    setStep,
    next,
    status,
    wanted,
    order,
    drugChange,
    volumes,
    volumesDraft,
    instilled,
    preview,
    settled,
    overSyringe,
    rinseMissing,
    fillDiffers,
  } = wizard;
  if (status === undefined) return null;
  return (
    <div hidden={step !== 2 && step !== 3}>
      <Card title={t(step === 3 ? 'refill.step.instilled' : 'refill.step.withdrawn')}>
        <Alert type="warning" showIcon title={t('refill.septumWarning')} style={{ marginBottom: 16 }} />
        <Form form={volumes} layout="vertical" style={{ maxWidth: 560 }} initialValues={volumesDraft}>
          <Form.Item
            name="withdrawnMl"
            label={t('refill.withdrawn')}
            rules={[{ required: true, pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
            hidden={step !== 2}
          >
            <Input inputMode="decimal" suffix="mL" />
          </Form.Item>
          <Form.Item name="emptied" valuePropName="checked" hidden={step !== 2} extra={t('refill.emptiedHelp')}>
            <Checkbox data-testid="reservoir-emptied">{t('refill.emptied')}</Checkbox>
          </Form.Item>
          {drugChange && (
            <Card
              size="small"
              title={t('refill.rinseTitle')}
              data-testid="rinse"
              hidden={step !== 2}
              style={{ marginBottom: 16 }}
            >
              <Typography.Paragraph>
                {t('refill.rinseHow', { drug: wanted === undefined ? '' : t(`drug.${wanted.drug}`) })}
              </Typography.Paragraph>
              <Form.Item
                name="rinseMl"
                label={t('refill.rinseVolume')}
                rules={[{ required: true, pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
              >
                <Input inputMode="decimal" suffix="mL" style={{ width: 160 }} />
              </Form.Item>
              <Form.Item
                name="rinsed"
                valuePropName="checked"
                rules={[
                  {
                    validator: (_, v) =>
                      v === true ? Promise.resolve() : Promise.reject(new Error(t('form.required'))),
                  },
                ]}
              >
                <Checkbox>{t('refill.rinsed')}</Checkbox>
              </Form.Item>
            </Card>
          )}
          {step === 2 && preview.data?.discrepancyFlag === true && <DiscrepancyAck />}
          {step >= 3 && (
            <Form.Item
              name="instilledMl"
              label={t('refill.instilled', { capacity: status.reservoirCapacity.value })}
              rules={[{ required: true, pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
            >
              <Input inputMode="decimal" suffix="mL" />
            </Form.Item>
          )}
        </Form>
        <div aria-live="polite">
          {preview.data !== undefined && (
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Alert
                data-testid="discrepancy"
                data-flag={preview.data.discrepancyFlag}
                type={preview.data.discrepancyFlag ? 'error' : 'success'}
                showIcon
                title={t(preview.data.discrepancyFlag ? 'refill.discrepancyFlagged' : 'refill.discrepancyOk', {
                  expected: preview.data.expectedResidualMl,
                  discrepancy: preview.data.discrepancyMl,
                  threshold: preview.data.thresholdMl,
                })}
              />
              {step === 3 && fillDiffers && order?.fillVolumeMl != null && (
                <Alert
                  type="warning"
                  showIcon
                  data-testid="fill-differs"
                  title={t('refill.fillDiffers', { ordered: order.fillVolumeMl, instilled })}
                />
              )}
              {step === 3 && preview.data.forecast !== null && (
                <div data-testid="refill-forecast">
                  <ForecastView forecast={preview.data.forecast} compact />
                </div>
              )}
            </Space>
          )}
          {step === 3 && bridgePlan}
          {overSyringe && <Alert type="error" showIcon role="alert" title={t('refill.overSyringe')} />}
          <ErrorAlert error={preview.error} />
        </div>
        <Space style={{ marginTop: 16 }}>
          <Button onClick={() => setStep(step - 1)}>{t('review.back')}</Button>
          <Button
            type="primary"
            disabled={
              preview.data === undefined ||
              preview.isFetching ||
              preview.isPlaceholderData ||
              !settled ||
              overSyringe ||
              (step === 2 && rinseMissing) ||
              (step === 3 && (instilled === undefined || !DECIMAL_INPUT.test(instilled)))
            }
            onClick={() => void next(volumes)}
          >
            {t('refill.next')}
          </Button>
        </Space>
      </Card>
    </div>
  );
}
