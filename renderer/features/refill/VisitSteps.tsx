import { DECIMAL_INPUT } from '../../../core/quantity';
import { Alert, Checkbox, Col, Descriptions, Form, Input, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { RefillReport } from '../../../core/api/refill-schemas';
import { drugs } from '../../../core/pump';
import { formatMl, unitText } from '../../app/format';
import { ForecastView } from '../../components/ForecastView';
import { DiscrepancyAck } from './DiscrepancyAck';
import { parseGs1 } from './gs1';
import { SyringeMismatch } from './RefillParts';
import type { FormInstance } from 'antd';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
type Preview = {
  expectedResidualMl: string;
  discrepancyMl: string;
  discrepancyFlag: boolean;
  thresholdMl: string;
  forecast: RefillReport['forecast'] | null;
};

/** The syringe: one scan fills every field from the label; what the label lacks is typed. Checked against the order. */
export function SyringeStep({ form, problems, unit }: { form: FormInstance; problems: string[]; unit: string }) {
  const { t } = useTranslation();
  const scanned = (text: string) => {
    const label = parseGs1(text);
    const { concentration, ...rest } = label;
    form.setFieldsValue({
      ...rest,
      ...(concentration === undefined
        ? {}
        : { concentration: concentration.value, concentrationUnit: concentration.unit }),
    });
  };
  const required = [{ required: true, message: t('form.required') }];
  return (
    <>
      <Form.Item name="barcode" label={t('visit.scan')} extra={t('visit.scanHint')}>
        <Input onChange={(e) => scanned(e.target.value)} onPressEnter={(e) => e.preventDefault()} />
      </Form.Item>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name="drug" label={t('status.drug')} rules={required}>
            <Select options={drugs.map((d) => ({ value: d, label: t(`drug.${d}`) }))} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name="concentration"
            label={t('status.concentration')}
            rules={[{ required: true, pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
          >
            <Input inputMode="decimal" suffix={unitText(t, unit)} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item
            name="volumeMl"
            label={t('refill.syringeVolume')}
            rules={[{ required: true, pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
          >
            <Input inputMode="decimal" suffix="mL" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="lot" label={t('refill.lot')} rules={required}>
            <Input />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item
            name="expiry"
            label={t('refill.expiry')}
            rules={[{ required: true, pattern: ISO_DATE, message: t('form.date') }]}
          >
            <Input placeholder="YYYY-MM-DD" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="preparedBy" label={t('refill.preparedBy')} rules={required}>
            <Input />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="checkedBy" label={t('refill.checkedBy')} rules={required}>
            <Input />
          </Form.Item>
        </Col>
      </Row>
      {problems.length > 0 ? <SyringeMismatch problems={problems} /> : null}
    </>
  );
}

/** Withdrawn volume (the discrepancy, and its acknowledgement when flagged), then the fill. */
export function VolumeStep({
  step,
  preview,
  capacityMl,
}: {
  step: 2 | 3;
  preview: Preview | undefined;
  capacityMl: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Alert type="warning" showIcon title={t('refill.septumWarning')} style={{ marginBottom: 16 }} />
      <Form.Item
        name="withdrawnMl"
        label={t('refill.withdrawn')}
        hidden={step !== 2}
        rules={[{ required: true, pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
      >
        <Input inputMode="decimal" suffix="mL" />
      </Form.Item>
      <Form.Item name="emptied" valuePropName="checked" hidden={step !== 2} extra={t('refill.emptiedHelp')}>
        <Checkbox data-testid="reservoir-emptied">{t('refill.emptied')}</Checkbox>
      </Form.Item>
      {step === 3 && (
        <Form.Item
          name="instilledMl"
          label={t('refill.instilled', { capacity: capacityMl })}
          rules={[{ required: true, pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
        >
          <Input inputMode="decimal" suffix="mL" />
        </Form.Item>
      )}
      <div aria-live="polite">
        {preview !== undefined && (
          <Alert
            data-testid="discrepancy"
            data-flag={preview.discrepancyFlag}
            type={preview.discrepancyFlag ? 'error' : 'success'}
            showIcon
            style={{ marginBottom: 16 }}
            title={t(preview.discrepancyFlag ? 'refill.discrepancyFlagged' : 'refill.discrepancyOk', {
              expected: preview.expectedResidualMl,
              discrepancy: preview.discrepancyMl,
              threshold: preview.thresholdMl,
            })}
          />
        )}
        {step === 3 && preview?.forecast != null && (
          <div data-testid="refill-forecast">
            <ForecastView forecast={preview.forecast} compact />
          </div>
        )}
      </div>
      {step === 2 && preview?.discrepancyFlag === true && <DiscrepancyAck />}
    </>
  );
}

/** What the Finish screen sums up besides the program: the volumes, the syringe, the next refill. */
export function VisitSummary({
  values,
  preview,
}: {
  values: {
    withdrawnMl?: string;
    instilledMl?: string;
    lot?: string;
    expiry?: string;
    discrepancyAck?: { checked?: string; patientState?: string };
  };
  preview: Preview;
}) {
  const { t } = useTranslation();
  return (
    <Descriptions
      bordered
      size="small"
      column={2}
      items={[
        {
          key: 'reservoir',
          label: t('status.reservoir'),
          children: (
            <span>
              {formatMl(preview.expectedResidualMl, t)} → <strong>{formatMl(values.instilledMl, t)}</strong>
            </span>
          ),
        },
        { key: 'withdrawn', label: t('refill.withdrawn'), children: formatMl(values.withdrawnMl, t) },
        {
          key: 'discrepancy',
          label: t('refill.discrepancy'),
          children: `${formatMl(preview.discrepancyMl, t)}${preview.discrepancyFlag ? ` — ${t('refill.flagged')}` : ''}`,
        },
        {
          key: 'syringe',
          label: t('refill.lot'),
          children: `${values.lot ?? ''} (${t('refill.expiry')} ${values.expiry ?? ''})`,
        },
        ...(preview.discrepancyFlag
          ? [
              {
                key: 'ack',
                label: t('visit.ackTitle'),
                span: 2,
                children: `${values.discrepancyAck?.checked ?? ''} — ${values.discrepancyAck?.patientState ?? ''}`,
              },
            ]
          : []),
        {
          key: 'next',
          label: t('dashboard.nextRefill'),
          span: 2,
          children:
            preview.forecast === null ? '—' : <ForecastView forecast={preview.forecast} compact labelled={false} />,
        },
      ]}
    />
  );
}
