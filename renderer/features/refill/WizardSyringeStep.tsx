import { DECIMAL_INPUT } from '../../../core/quantity';
import { Alert, Button, Card, Form, Input, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { drugs } from '../../../core/pump';
import { parseGs1 } from './gs1';
import { SyringeMismatch } from './RefillParts';
import { type RefillWizardState, type SyringeForm } from './useRefillWizard';
import { formatQuantity, unitText } from '../../app/format';

/** The second step: the syringe as labelled (a GS1 barcode fills lot and expiry), checked against the order. */
export function WizardSyringeStep({ wizard }: { wizard: RefillWizardState }) {
  const { t } = useTranslation();
  const {
    step,
    setStep,
    next,
    status,
    wanted,
    syringeForm,
    syringeDraft,
    syringeProblems,
    mass,
    drugChange,
    concentrationChange,
  } = wizard;
  if (status === undefined) return null;
  return (
    <div hidden={step !== 1}>
      <Card title={t('refill.step.syringe')}>
        <Form<SyringeForm>
          form={syringeForm}
          layout="vertical"
          style={{ maxWidth: 560 }}
          initialValues={{ drug: wanted?.drug ?? status.drug, ...syringeDraft }}
        >
          <Form.Item name="barcode" label={t('refill.barcode')} extra={t('refill.barcodeHint')}>
            <Input
              onChange={(e) => {
                const parsed = parseGs1(e.target.value);
                if (parsed.lot !== undefined) syringeForm.setFieldValue('lot', parsed.lot);
                if (parsed.expiry !== undefined) syringeForm.setFieldValue('expiry', parsed.expiry);
              }}
            />
          </Form.Item>
          <Form.Item name="drug" label={t('status.drug')} rules={[{ required: true, message: t('form.required') }]}>
            <Select options={drugs.map((d) => ({ value: d, label: t(`drug.${d}`) }))} />
          </Form.Item>
          <Form.Item
            name="concentration"
            label={t('status.concentration')}
            rules={[{ required: true, pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
          >
            <Input inputMode="decimal" suffix={unitText(t, `${mass}/mL`)} />
          </Form.Item>
          <Form.Item
            name="volumeMl"
            label={t('refill.syringeVolume')}
            rules={[{ required: true, pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
          >
            <Input inputMode="decimal" suffix="mL" />
          </Form.Item>
          <Form.Item name="lot" label={t('refill.lot')} rules={[{ required: true, message: t('form.required') }]}>
            <Input />
          </Form.Item>
          <Form.Item
            name="expiry"
            label={t('refill.expiry')}
            rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('form.date') }]}
          >
            <Input placeholder="YYYY-MM-DD" />
          </Form.Item>
          <Form.Item
            name="preparedBy"
            label={t('refill.preparedBy')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item
            name="checkedBy"
            label={t('refill.checkedBy')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input />
          </Form.Item>
        </Form>
        {concentrationChange && wanted !== undefined && syringeProblems.length === 0 && (
          <Alert
            type="info"
            showIcon
            data-testid="concentration-change"
            style={{ marginBottom: 8 }}
            title={t('refill.concentrationChange', {
              from: formatQuantity(status.concentration, t),
              to: formatQuantity(wanted.concentration, t),
            })}
          />
        )}
        {drugChange && wanted !== undefined && syringeProblems.length === 0 && (
          <Alert
            type="warning"
            showIcon
            data-testid="drug-change"
            style={{ marginBottom: 8 }}
            title={t('refill.drugChange', { from: t(`drug.${status.drug}`), to: t(`drug.${wanted.drug}`) })}
          />
        )}
        {syringeProblems.length > 0 && <SyringeMismatch problems={syringeProblems} />}
        <Space style={{ marginTop: 16 }}>
          <Button onClick={() => setStep(0)}>{t('review.back')}</Button>
          <Button
            type="primary"
            disabled={syringeProblems.length > 0 || wanted === undefined}
            onClick={() => void next(syringeForm)}
          >
            {t('refill.next')}
          </Button>
        </Space>
      </Card>
    </div>
  );
}
