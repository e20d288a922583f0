import { Alert, Form, Radio } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Prescription } from '../../../core/api/schemas';
import type { RefillReport } from '../../../core/api/refill-schemas';
import { formatDateTime, formatMl } from '../../app/format';
import { orderText } from '../patients/Orders';

/** The open orders of the pump to choose from (field `orderId`), as the full refill and the refill-only visit show them. */
export function OrderChoice({ orders, testId }: { orders: Prescription[] | undefined; testId: string }) {
  const { t, i18n } = useTranslation();
  return (
    <Form.Item name="orderId" label={t('refill.order')} rules={[{ required: true, message: t('refill.chooseOrder') }]}>
      <Radio.Group
        style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
        options={(orders ?? []).map((o) => ({
          value: o.id,
          label: (
            <span
              data-testid={testId}
            >{`#${o.id} ${orderText(t, o)}${o.fillVolumeMl === null ? '' : ` — ${t('orders.fillVolume')} ${formatMl(o.fillVolumeMl, t)}`} (${o.orderedBy}, ${formatDateTime(o.orderedAt, i18n.language)})`}</span>
          ),
        }))}
      />
    </Form.Item>
  );
}

/** The syringe's differences from the order (renderer/features/refill/syringeCheck.ts), one line each. */
export function SyringeMismatch({ problems }: { problems: string[] }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="syringe-mismatch"
      title={t('refill.syringeMismatch')}
      description={
        <ul style={{ margin: 0, paddingLeft: 20 }}>
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      }
    />
  );
}

/** The words of a refill's outcome: a refill-only visit kept the program, it did not run a new one. */
export const refillOutcomeKey = (outcome: RefillReport['outcome'], refillOnly: boolean | undefined): string =>
  refillOnly === true && outcome === 'confirmed' ? 'visit.outcomeUnchanged' : `outcome.${outcome}`;

/** What the refill came to, as the pump confirmed it or not. */
export function RefillOutcome({
  outcome,
  refillOnly,
}: {
  outcome: RefillReport['outcome'];
  refillOnly?: boolean | undefined;
}) {
  const { t } = useTranslation();
  return (
    <Alert
      type={outcome === 'confirmed' ? 'success' : 'error'}
      showIcon
      title={
        <span data-testid="refill-outcome" data-outcome={outcome}>
          {t(refillOutcomeKey(outcome, refillOnly))}
        </span>
      }
    />
  );
}
