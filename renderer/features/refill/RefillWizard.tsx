import { Button, Card, Descriptions, Form, Input, Space, Steps, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ForecastView } from '../../components/ForecastView';
import { WitnessFields } from '../../components/WitnessFields';
import { orderText } from '../patients/Orders';
import { BridgePlan } from './BridgePlan';
import { WizardOrderStep } from './WizardOrderStep';
import { RefillDone } from './RefillDone';
import { WizardSyringeStep } from './WizardSyringeStep';
import { DECIMAL, useRefillWizard } from './useRefillWizard';
import { WizardVolumesStep } from './WizardVolumesStep';

/** The full refill wizard; a new visit starts with fresh forms. */
export default function RefillWizard() {
  const [visit, setVisit] = useState(0);
  return <Wizard key={visit} onNew={() => setVisit((n) => n + 1)} />;
}

/**
 * The steps of one visit: order and checks, syringe, withdrawn, instilled, Finish. The state
 * between them is useRefillWizard's; each step but Finish is a component of its own.
 */
function Wizard({ onNew }: { onNew: () => void }) {
  const { t } = useTranslation();
  const wizard = useRefillWizard();
  const {
    step,
    setStep,
    status: s,
    order,
    drugChange,
    rinseMl,
    withdrawn,
    instilled,
    preview,
    change,
    finish,
    finishDraft,
    needsAck,
    submit,
    perform,
  } = wizard;
  const bridgeCard =
    change === null || s === undefined ? null : (
      <BridgePlan
        change={change}
        status={s}
        bolusDecision={wizard.bolusDecision}
        setBolusDecision={wizard.setBolusDecision}
      />
    );

  if (perform.data !== undefined) return <RefillDone wizard={wizard} onNew={onNew} />;

  const stepItems = ['order', 'syringe', 'withdrawn', 'instilled', 'finish'].map((k) => ({
    title: t(`refill.step.${k}`),
  }));
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('nav.refill')}
      </Typography.Title>
      <Steps current={step} items={stepItems} size="small" />
      <WizardOrderStep wizard={wizard} />
      <WizardSyringeStep wizard={wizard} />
      <WizardVolumesStep wizard={wizard} bridgePlan={bridgeCard} />
      {step === 4 && s !== undefined && preview.data !== undefined && (
        <Card title={t('refill.step.finish')} data-testid="refill-finish">
          <Descriptions
            bordered
            size="small"
            column={1}
            items={[
              {
                key: 'order',
                label: t('refill.order'),
                children: order === undefined ? '—' : `#${order.id} ${orderText(t, order)} (${order.orderedBy})`,
              },
              {
                key: 'drug',
                label: t('status.drug'),
                children:
                  change === null
                    ? `${t(`drug.${s.drug}`)} ${s.concentration.value} ${s.concentration.unit} (${t('review.unchanged')})`
                    : `${t(`drug.${s.drug}`)} ${s.concentration.value} ${s.concentration.unit} → ${t(`drug.${change.newDrug}`)} ${change.newConcentration.value} ${change.newConcentration.unit}`,
              },
              {
                key: 'dose',
                label: t('status.dailyDose'),
                children:
                  change === null || change.previousDrug === null
                    ? `${s.dailyDose.value} ${s.dailyDose.unit} (${t('review.unchanged')})`
                    : `${s.dailyDose.value} ${s.dailyDose.unit} → ${change.newDailyDose.value} ${change.newDailyDose.unit}`,
              },
              ...(drugChange
                ? [{ key: 'rinse', label: t('refill.rinseVolume'), children: `${rinseMl ?? ''} mL` }]
                : []),
              {
                key: 'reservoir',
                label: t('status.reservoir'),
                children: (
                  <span>
                    {preview.data.expectedResidualMl} mL → <strong>{instilled} mL</strong>
                  </span>
                ),
              },
              { key: 'withdrawn', label: t('refill.withdrawn'), children: `${withdrawn} mL` },
              {
                key: 'discrepancy',
                label: t('refill.discrepancy'),
                children: `${preview.data.discrepancyMl} mL${preview.data.discrepancyFlag ? ` — ${t('refill.flagged')}` : ''}`,
              },
              {
                key: 'next',
                label: t('dashboard.nextRefill'),
                children:
                  preview.data.forecast === null ? '—' : <ForecastView forecast={preview.data.forecast} compact />,
              },
            ]}
          />
          {bridgeCard}
          <Form
            form={finish}
            layout="vertical"
            style={{ maxWidth: 560, marginTop: 16 }}
            onFinish={submit}
            initialValues={finishDraft}
          >
            <WitnessFields />
            <Space wrap style={{ marginTop: 12 }}>
              <Form.Item
                name="wasteMl"
                label={t('refill.waste')}
                rules={[{ pattern: DECIMAL, message: t('form.decimal') }]}
              >
                <Input inputMode="decimal" suffix="mL" style={{ width: 140 }} />
              </Form.Item>
              <Form.Item name="wasteWitness" label={t('refill.wasteWitness')}>
                <Input />
              </Form.Item>
            </Space>
            {(needsAck || change?.check.verdict === 'soft') && (
              <Form.Item
                name="acknowledgement"
                label={t('review.reason')}
                rules={[{ required: true, min: 3, message: t('review.reasonRequired') }]}
              >
                <Input.TextArea rows={2} maxLength={500} />
              </Form.Item>
            )}
            <ErrorAlert error={perform.error} title={t('refill.failed')} />
            <Space style={{ marginTop: 12 }}>
              <Button onClick={() => setStep(3)} disabled={perform.isPending}>
                {t('review.back')}
              </Button>
              <Button
                type="primary"
                htmlType="submit"
                loading={perform.isPending}
                disabled={change?.check.verdict === 'hard'}
                data-testid="refill-submit"
              >
                {t('refill.update')}
              </Button>
            </Space>
          </Form>
        </Card>
      )}
    </Space>
  );
}
