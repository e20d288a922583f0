import { Space, Steps, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BridgePlan } from './BridgePlan';
import { WizardOrderStep } from './WizardOrderStep';
import { RefillDone } from './RefillDone';
import { WizardSyringeStep } from './WizardSyringeStep';
import { useRefillWizard } from './useRefillWizard';
import { WizardVolumesStep } from './WizardVolumesStep';
import { WizardFinish } from './WizardFinish';

/** The full refill wizard; a new visit starts with fresh forms. */
export default function RefillWizard() {
  const [visit, setVisit] = useState(0);
  return <Wizard key={visit} onNew={() => setVisit((n) => n + 1)} />;
}

/**
 * The steps of one visit: order and checks, syringe, withdrawn, instilled, Finish. The state
 * between them is useRefillWizard's; each step is a component of its own.
 */
function Wizard({ onNew }: { onNew: () => void }) {
  const { t } = useTranslation();
  const wizard = useRefillWizard();
  const { step, status: s, change, perform } = wizard;
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
      {step === 4 && <WizardFinish wizard={wizard} bridgePlan={bridgeCard} />}
    </Space>
  );
}
