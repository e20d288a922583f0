// A program write and a bolus as the wand's requests: every quantity exactly on the wire, or a
// typed error before anything is sent (docs/wand-protocol.md, "Quantities on the wire").
import type { BolusWrite, ProgramWrite } from '../core/pump';
import { said } from '../core/messages';
import { err, ok, type Result } from '../core/result';
import { toMicroLitres, toWireSettings, uuidToBytes } from './protocol/convert';
import type { Message } from './protocol/messages';

/** A whole number of minutes the wire's u16 carries, at least 1. */
const wholeMinutes = (minutes: number): boolean => Number.isInteger(minutes) && minutes >= 1 && minutes <= 0xffff;

/** The STAGE_PROGRAM request of a program write (its transaction id, settings, reservoir and bridge). */
export function stageRequest(write: ProgramWrite): Result<Extract<Message, { type: 'STAGE_PROGRAM' }>> {
  const settings = toWireSettings(write.settings);
  if (!settings.ok) return settings;
  let reservoirUl: number | null = null;
  if (write.reservoirVolumeMl !== undefined) {
    const ul = toMicroLitres(write.reservoirVolumeMl, 'reservoirVolumeMl');
    if (!ul.ok) return ul;
    reservoirUl = ul.value;
  }
  let bridge: { volumeUl: number; durationMin: number } | null = null;
  if (write.bridge !== undefined) {
    const ul = toMicroLitres(write.bridge.volumeMl, 'bridge.volumeMl');
    if (!ul.ok) return ul;
    const minutes = write.bridge.durationMinutes;
    if (!wholeMinutes(minutes)) return err(said('INVALID_INPUT', 'bridgeDurationWhole', {}, 'bridge.durationMinutes'));
    bridge = { volumeUl: ul.value, durationMin: minutes };
  }
  const txId = uuidToBytes(write.transactionId);
  return ok({ type: 'STAGE_PROGRAM', txId, settings: settings.value, reservoirUl, bridge });
}

/** The START_BOLUS request of a bolus. */
export function bolusRequest(write: BolusWrite): Result<Extract<Message, { type: 'START_BOLUS' }>> {
  const volume = toMicroLitres(write.volumeMl, 'volumeMl');
  if (!volume.ok) return volume;
  if (!wholeMinutes(write.durationMinutes))
    return err(said('INVALID_INPUT', 'bolusDurationWhole', {}, 'durationMinutes'));
  return ok({
    type: 'START_BOLUS',
    txId: uuidToBytes(write.transactionId),
    kind: ['single', 'priming', 'bridge'].indexOf(write.kind),
    volumeUl: volume.value,
    durationMin: write.durationMinutes,
  });
}
