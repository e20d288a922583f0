// The fill and bridge limits (docs/wand-protocol.md, "What the pump refuses", "Bridge bolus") are
// checked at STAGE_PROGRAM and again at COMMIT, against the reservoir at that instant: a bridge the
// pump could give when staged but that is more than is left by the COMMIT is refused (ERROR 5),
// nothing changed.
import { describe, expect, it } from 'vitest';
import { toWireSettings, uuidToBytes } from '../../drivers/protocol/convert';
import { WandErrorCode, type Message } from '../../drivers/protocol/messages';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatedWand } from '../../drivers/simulator/wand';
import { manualClock } from './helpers';
import { wandSession } from './wand-usb-rig';

const TX = '11111111-2222-3333-4444-555555555555';

/** Morphine 10 mg/mL at 0.3 mL/day with 1 mL left; a session open. */
function rig() {
  const clock = manualClock(new Date('2026-03-01T08:00:00Z'));
  const pump = new SimulatedPump(
    { ...defaultSimulatedPump(clock.now()), volumeMl: '1', volumeAt: clock.now(), clockOffsetMs: 0 },
    clock.now,
  );
  const send = wandSession(new SimulatedWand(pump));
  return { clock, pump, send };
}

/** The program at 20 mg/mL with a bridge of `volumeUl` over 60 minutes (and a fill, when given). */
function stage(volumeUl: number, reservoirUl: number | null = null): Message {
  const settings = toWireSettings({
    drug: 'morphine',
    concentration: { value: '20', unit: 'mg/mL' },
    mode: 'continuous',
    rate: { value: '0.15', unit: 'mL/day' },
  });
  if (!settings.ok) throw new Error(settings.error.message);
  return {
    type: 'STAGE_PROGRAM',
    txId: uuidToBytes(TX),
    settings: settings.value,
    reservoirUl,
    bridge: { volumeUl, durationMin: 60 },
  };
}

describe('a bridge checked again at COMMIT, against the reservoir then', () => {
  it('staged when 1000 µL were left, 700 µL left at COMMIT: ERROR 5, nothing applied, still staged', () => {
    const { clock, pump, send } = rig();
    expect(send({ type: 'BEGIN_TX', txId: uuidToBytes(TX) }).type).toBe('TX_BEGUN');
    expect(send(stage(990)).type).toBe('STAGED');
    clock.advanceDays(1); // 0.3 mL delivered: 700 µL left
    const before = pump.status();
    const refused = send({ type: 'COMMIT', txId: uuidToBytes(TX) });
    expect(refused).toMatchObject({ type: 'ERROR', code: WandErrorCode.PUMP_REFUSED });
    expect(pump.status()).toEqual(before);
    expect(pump.lastTransactionId).toBeNull();
    expect(pump.events.map((e) => e.code)).not.toContain('BOLUS_STARTED');
    // A refusal changes nothing staged: the same COMMIT is refused again, not "not staged" (ERROR 4).
    expect(send({ type: 'COMMIT', txId: uuidToBytes(TX) })).toMatchObject({ type: 'ERROR', code: 5 });
  });

  it('within what is left at COMMIT: applied with its bridge', () => {
    const { clock, pump, send } = rig();
    send({ type: 'BEGIN_TX', txId: uuidToBytes(TX) });
    expect(send(stage(600)).type).toBe('STAGED');
    clock.advanceDays(1);
    expect(send({ type: 'COMMIT', txId: uuidToBytes(TX) })).toMatchObject({ type: 'COMMITTED', applied: true });
    expect(pump.status().bridge).toBeDefined();
  });

  it('a bridge staged with a fill is measured against the fill, at COMMIT too', () => {
    const { clock, send } = rig();
    send({ type: 'BEGIN_TX', txId: uuidToBytes(TX) });
    expect(send(stage(990, 18_000)).type).toBe('STAGED');
    clock.advanceDays(1);
    expect(send({ type: 'COMMIT', txId: uuidToBytes(TX) })).toMatchObject({ type: 'COMMITTED', applied: true });
  });
});
