import { DECIMAL_INPUT } from '../../../core/quantity';
import type { TFunction } from 'i18next';
import type { Prescription } from '../../../core/api/schemas';
import { dec } from '../../../core/decimal';
import { formatQuantity } from '../../app/format';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The syringe against the order, as the nurse sees it before filling (the service checks it again):
 * the drug, the concentration, and the expiry on the clinic's date. One list of plain sentences,
 * empty when the syringe matches; the refill wizard and the refill-only visit both show it.
 */
export function syringeProblems(
  t: TFunction,
  wanted: Prescription['components'][number] | undefined,
  syringe:
    | {
        drug?: string | undefined;
        concentration?: string | undefined;
        concentrationUnit?: string | undefined;
        expiry?: string | undefined;
      }
    | undefined,
  today: string | undefined,
): string[] {
  const problems: string[] = [];
  if (wanted === undefined || syringe === undefined) return problems;
  if (syringe.drug !== undefined && syringe.drug !== wanted.drug)
    problems.push(t('refill.wrongDrug', { syringe: t(`drug.${syringe.drug}`), pump: t(`drug.${wanted.drug}`) }));
  const unit = syringe.concentrationUnit ?? wanted.concentration.unit;
  if (
    syringe.concentration !== undefined &&
    DECIMAL_INPUT.test(syringe.concentration) &&
    (unit !== wanted.concentration.unit || !dec(syringe.concentration).eq(wanted.concentration.value))
  ) {
    problems.push(
      t('refill.wrongConcentration', {
        syringe: `${syringe.concentration} ${unit}`,
        pump: formatQuantity(wanted.concentration, t),
      }),
    );
  }
  if (syringe.expiry !== undefined && ISO_DATE.test(syringe.expiry) && today !== undefined && syringe.expiry < today)
    problems.push(t('refill.expired', { date: syringe.expiry }));
  return problems;
}
