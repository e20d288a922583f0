import { dec, maxOf, str } from '../core/decimal';
import { refillDiscrepancy } from '../core/calc/refill';
import type { Prescription } from '../core/api/schemas';
import type { PumpStatus } from '../core/pump';
import { err, ok, type Result } from '../core/result';
import { said } from '../core/messages';
import { sameConcentration } from './refill-plan';
import type { RefillRequest } from './refill-request';

/** The syringe is the order: the same drug and the same concentration. */
export function syringeIsTheOrder(
  s: RefillRequest['syringe'],
  order: Prescription,
  wanted: Prescription['components'][number],
): Result<null> {
  if (s.drug !== wanted.drug || !sameConcentration(s.concentration, wanted.concentration)) {
    return err(
      said(
        'INVALID_INPUT',
        'syringeNotTheOrder',
        {
          drug: s.drug,
          concentration: s.concentration.value,
          unit: s.concentration.unit,
          id: String(order.id),
          orderDrug: wanted.drug,
          orderConcentration: wanted.concentration.value,
          orderUnit: wanted.concentration.unit,
        },
        'syringe',
      ),
    );
  }
  return ok(null);
}

/**
 * The rinse of a drug change (needed, positive, within the reservoir, and with the fill within
 * the syringe), the syringe's expiry against the clinic's today, and the fill within the syringe.
 * Answers the rinse volume (0 without a drug change).
 */
export function rinseAndSyringeChecks(
  pump: PumpStatus,
  request: Pick<RefillRequest, 'rinse' | 'syringe' | 'instilledMl'>,
  drugChange: boolean,
  today: string,
): Result<string> {
  const s = request.syringe;
  if (drugChange && request.rinse === undefined) {
    return err(said('INVALID_INPUT', 'rinseNeeded', { oldDrug: pump.drug, drug: s.drug }, 'rinse'));
  }
  const rinseMl = drugChange ? (request.rinse?.volumeMl ?? '0') : '0';
  if (drugChange && dec(rinseMl).isZero()) return err(said('INVALID_INPUT', 'rinseNotPositive', {}, 'rinse.volumeMl'));
  if (dec(rinseMl).gt(pump.reservoirCapacity.value))
    return err(
      said(
        'OUT_OF_RANGE',
        'rinseAboveCapacity',
        { rinse: rinseMl, capacity: pump.reservoirCapacity.value },
        'rinse.volumeMl',
      ),
    );
  if (dec(rinseMl).plus(request.instilledMl).gt(s.volumeMl))
    return err(
      said(
        'INVALID_INPUT',
        'rinseAndFillAboveSyringe',
        { rinse: rinseMl, instilled: request.instilledMl, syringe: s.volumeMl },
        'instilledMl',
      ),
    );
  if (s.expiry < today) return err(said('INVALID_INPUT', 'syringeExpired', { expiry: s.expiry }, 'syringe.expiry'));
  if (dec(request.instilledMl).gt(s.volumeMl))
    return err(said('INVALID_INPUT', 'instilledAboveSyringe', {}, 'instilledMl'));
  return ok(rinseMl);
}

/**
 * What the reservoir holds after the fill: the instilled volume, plus what is still inside when
 * the nurse has not recorded that it was emptied (the pump's expected residual less what was
 * withdrawn). It must fit the reservoir and stay above the low-reservoir alarm volume.
 */
export function reservoirAfterFill(
  pump: PumpStatus,
  fill: {
    withdrawnMl: string;
    instilledMl: string;
    reservoirEmptied?: boolean | undefined;
    acknowledged?: boolean | undefined;
  },
): Result<string> {
  const instilled = dec(fill.instilledMl);
  const capacity = dec(pump.reservoirCapacity.value);
  const unaccounted = maxOf([dec(pump.reservoirVolume.value).minus(fill.withdrawnMl), dec(0)]) ?? dec(0);
  // "Emptied" is believed only when what came out is about what the pump counted: far less out
  // than counted may mean drug still inside (or gone elsewhere), and the fill must fit beside it.
  const flagged = refillDiscrepancy(capacity, dec(pump.reservoirVolume.value), dec(fill.withdrawnMl)).flag;
  const emptied = fill.reservoirEmptied === true;
  const emptiedBelieved = emptied && (!flagged || fill.acknowledged === true);
  // What the pump will count from now on: the nurse's word for an emptied reservoir (counting more
  // than is inside would bring the low-reservoir alarm too late) ...
  const after = emptied ? instilled : unaccounted.plus(instilled);
  // ... and what may really be inside, which must fit.
  const worstCase = (emptiedBelieved ? dec(0) : unaccounted).plus(instilled);
  if (worstCase.gt(capacity) && emptied && !emptiedBelieved) {
    // A pocket fill at the last visit leaves the reservoir truly empty with less out than counted;
    // a reservoir not really emptied overfills. Only the nurse at the septum knows: she says so.
    return err(
      said(
        'ACKNOWLEDGEMENT_REQUIRED',
        'fillOnlyIfEmpty',
        {
          counted: pump.reservoirVolume.value,
          withdrawn: fill.withdrawnMl,
          unaccounted: str(unaccounted),
          instilled: str(instilled),
        },
        'instilledMl',
      ),
    );
  }
  if (worstCase.gt(capacity)) {
    const left = emptied ? dec(0) : unaccounted;
    return err(
      left.isZero()
        ? said(
            'OUT_OF_RANGE',
            'fillAboveCapacity',
            { instilled: str(instilled), capacity: str(capacity) },
            'instilledMl',
          )
        : said(
            'OUT_OF_RANGE',
            'fillAboveCapacityWithLeft',
            { left: str(left), instilled: str(instilled), capacity: str(capacity) },
            'instilledMl',
          ),
    );
  }
  if (after.lte(pump.lowReservoirAlarmVolume.value)) {
    return err(
      said(
        'OUT_OF_RANGE',
        'fillAtOrBelowAlarm',
        { after: str(after), alarm: pump.lowReservoirAlarmVolume.value },
        'instilledMl',
      ),
    );
  }
  return ok(str(after));
}
