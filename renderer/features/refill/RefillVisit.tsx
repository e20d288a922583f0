import { Alert, Button, Card, Form, Space, Steps, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { InterrogateBar } from '../pump/InterrogateBar';
import { PumpBanner } from './PumpBanner';
import { useRefillVisit } from './useRefillVisit';
import { VisitDone } from './VisitDone';
import { VisitFinish } from './VisitFinish';
import { type VisitForm } from './visitForm';
import { VisitOrderStep } from './VisitOrderStep';
import { SyringeStep, VolumeStep } from './VisitSteps';

/** The refill-only visit; a new visit starts with a fresh form. */
export default function RefillVisit() {
  const [visit, setVisit] = useState(0);
  return <Visit key={visit} onNew={() => setVisit((n) => n + 1)} />;
}

/**
 * The nurse's refill when the order is the therapy the pump runs: order and patient, the syringe
 * scanned, withdrawn and instilled volumes, a Finish screen showing the program before and after
 * as identical, the witness, the report and card. Everything goes through the refill service
 * (`refill:perform` with `refillOnly`), which applies every rule of the full refill again.
 */
function Visit({ onNew }: { onNew: () => void }) {
  const { t } = useTranslation();
  const {
    form,
    draft,
    step,
    setStep,
    report,
    values,
    status,
    orders,
    patient,
    check,
    wanted,
    problems,
    preview,
    settled,
    perform,
    next,
    fullWizard,
    submit,
  } = useRefillVisit();

  if (report !== undefined) return <VisitDone report={report} onNew={onNew} />;

  const stepItems = ['order', 'syringe', 'withdrawn', 'instilled', 'finish'].map((k) => ({
    title: t(`refill.step.${k}`),
  }));
  const checkedOk = check.data?.eligible === true && patient.data != null;
  return (
    <Space orientation="vertical" size={step === 4 ? 'small' : 'middle'} style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('nav.visit')}
      </Typography.Title>
      <Steps current={step} items={stepItems} size="small" />
      {status !== undefined && <PumpBanner patient={patient.data} pump={status} />}
      <Form<VisitForm>
        form={form}
        name="visit"
        layout="vertical"
        initialValues={draft}
        style={{ maxWidth: step === 4 ? undefined : 760 }}
      >
        {step === 0 && (
          <Card title={t('refill.step.order')}>
            <InterrogateBar />
            {status !== undefined && (
              <div style={{ marginTop: 16 }}>
                {patient.data === null && <Alert type="error" showIcon title={t('dashboard.unregistered')} />}
                <VisitOrderStep
                  orders={orders.data}
                  check={check.data}
                  checkError={check.error}
                  onFullWizard={fullWizard}
                />
              </div>
            )}
            <Button
              type="primary"
              data-testid="visit-next"
              disabled={!checkedOk || values.identity !== true || values.noSymptoms !== true}
              onClick={() => void next()}
            >
              {t('refill.next')}
            </Button>
          </Card>
        )}
        {step === 1 && status !== undefined && (
          <Card title={t('refill.step.syringe')}>
            <SyringeStep
              form={form}
              problems={problems}
              unit={values.concentrationUnit ?? wanted?.concentration.unit ?? status.concentration.unit}
            />
            {problems.length === 0 && values.drug !== undefined && values.concentration !== undefined && (
              <Alert
                type="success"
                showIcon
                data-testid="syringe-matches"
                style={{ marginBottom: 8 }}
                title={t('visit.syringeMatches')}
              />
            )}
            <Space style={{ marginTop: 8 }}>
              <Button onClick={() => setStep(0)}>{t('review.back')}</Button>
              <Button
                type="primary"
                data-testid="visit-next"
                disabled={problems.length > 0}
                onClick={() => void next()}
              >
                {t('refill.next')}
              </Button>
            </Space>
          </Card>
        )}
        {(step === 2 || step === 3) && status !== undefined && (
          <Card title={t(step === 3 ? 'refill.step.instilled' : 'refill.step.withdrawn')}>
            <VolumeStep step={step} preview={preview.data} capacityMl={status.reservoirCapacity.value} />
            <ErrorAlert error={preview.error} />
            <Space style={{ marginTop: 8 }}>
              <Button onClick={() => setStep(step - 1)}>{t('review.back')}</Button>
              <Button
                type="primary"
                data-testid="visit-next"
                disabled={
                  preview.data === undefined ||
                  preview.isFetching ||
                  preview.isPlaceholderData ||
                  !settled ||
                  (step === 3 && preview.data.forecast === null)
                }
                onClick={() => void next()}
              >
                {t('refill.next')}
              </Button>
            </Space>
          </Card>
        )}
        {step === 4 && status !== undefined && check.data !== undefined && preview.data !== undefined && (
          <VisitFinish
            program={check.data.program}
            values={values}
            preview={preview.data}
            error={perform.error}
            pending={perform.isPending}
            onBack={() => setStep(3)}
            onSubmit={() => void submit().catch(() => undefined)}
          />
        )}
      </Form>
    </Space>
  );
}
