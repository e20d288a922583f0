import { DECIMAL_INPUT } from '../../../core/quantity';
import { Button, Card, Col, Descriptions, Form, Input, Row, Space } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { AcknowledgeFields } from '../../components/AcknowledgeFields';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ForecastView } from '../../components/ForecastView';
import { WitnessFields } from '../../components/WitnessFields';
import { orderText } from '../patients/Orders';
import { PumpBanner } from './PumpBanner';
import { type RefillWizardState } from './useRefillWizard';
import { formatMl, formatQuantity } from '../../app/format';

/**
 * The refill wizard's Finish step, made to fit a 1366×768 clinic screen without scrolling: the
 * patient and pump, what the refill changes (old → new), the witness and the button that updates
 * the pump. Opened at the top of the page.
 */
export function WizardFinish({ wizard, bridgePlan }: { wizard: RefillWizardState; bridgePlan: ReactNode }) {
  const { t } = useTranslation();
  const {
    setStep,
    status: s,
    patient,
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
  useEffect(() => {
    window.scrollTo(0, 0);
  }, []);
  if (s === undefined || preview.data === undefined) return null;
  return (
    <Card size="small" title={t('refill.step.finish')} data-testid="refill-finish">
      <Space orientation="vertical" size="small" style={{ width: '100%' }}>
        <PumpBanner patient={patient.data} pump={s} />
        <Descriptions
          bordered
          size="small"
          column={2}
          className="finish-compact-descriptions"
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
                  ? `${t(`drug.${s.drug}`)} ${formatQuantity(s.concentration, t)} (${t('review.unchanged')})`
                  : `${t(`drug.${s.drug}`)} ${formatQuantity(s.concentration, t)} → ${t(`drug.${change.newDrug}`)} ${formatQuantity(change.newConcentration, t)}`,
            },
            {
              key: 'dose',
              label: t('status.dailyDose'),
              children:
                change === null || change.previousDrug === null
                  ? `${formatQuantity(s.dailyDose, t)} (${t('review.unchanged')})`
                  : `${formatQuantity(s.dailyDose, t)} → ${formatQuantity(change.newDailyDose, t)}`,
            },
            ...(drugChange ? [{ key: 'rinse', label: t('refill.rinseVolume'), children: formatMl(rinseMl, t) }] : []),
            {
              key: 'reservoir',
              label: t('status.reservoir'),
              children: (
                <span>
                  {formatMl(preview.data.expectedResidualMl, t)} → <strong>{formatMl(instilled, t)}</strong>
                </span>
              ),
            },
            { key: 'withdrawn', label: t('refill.withdrawn'), children: formatMl(withdrawn, t) },
            {
              key: 'discrepancy',
              label: t('refill.discrepancy'),
              children: `${formatMl(preview.data.discrepancyMl, t)}${preview.data.discrepancyFlag ? ` — ${t('refill.flagged')}` : ''}`,
            },
            {
              key: 'next',
              label: t('dashboard.nextRefill'),
              children:
                preview.data.forecast === null ? (
                  '—'
                ) : (
                  <ForecastView forecast={preview.data.forecast} compact labelled={false} />
                ),
            },
          ]}
        />
        {bridgePlan}
        <Form form={finish} layout="vertical" className="finish-form" onFinish={submit} initialValues={finishDraft}>
          <Row gutter={16} wrap={false}>
            <Col flex="55%" style={{ minWidth: 0 }}>
              <WitnessFields inline />
            </Col>
            <Col flex="auto" style={{ minWidth: 0 }}>
              <Space wrap>
                <Form.Item
                  name="wasteMl"
                  label={t('refill.waste')}
                  rules={[{ pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
                >
                  <Input inputMode="decimal" suffix="mL" style={{ width: 140 }} />
                </Form.Item>
                <Form.Item name="wasteWitness" label={t('refill.wasteWitness')}>
                  <Input />
                </Form.Item>
              </Space>
              {(needsAck || change?.check.verdict === 'soft') && <AcknowledgeFields reasonOnly />}
              <ErrorAlert error={perform.error} title={t('refill.failed')} />
              <Space>
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
            </Col>
          </Row>
        </Form>
      </Space>
    </Card>
  );
}
