import { randomUUID } from 'node:crypto';
import {
  pumpEventCodes,
  type BolusWrite,
  type ProgramWrite,
  type PumpEvent,
  type PumpStatus,
  type WandStatus,
} from '../core/pump';
import { said } from '../core/messages';
import { err, ok, type AppError, type Result } from '../core/result';
import type { PumpClockSetting, PumpLink } from './link';
import {
  fromWireStatus,
  fromWireClock,
  statusContradiction,
  uuidToBytes,
  wireTime,
  wireUtcOffset,
} from './protocol/convert';
import { bolusRequest, stageRequest } from './wand-writes';
import { MAX_EVENT_PAGES, WandErrorCode } from './protocol/messages';
import { WandSession } from './wand-session';

export type { WandLinkOptions, WandState } from './wand-session';

/** The pump link over a programmer wand speaking the open wand protocol (docs/wand-protocol.md). */
export class WandLink extends WandSession implements PumpLink {
  private async interrogateNow(): Promise<Result<PumpStatus>> {
    const connected = await this.connect();
    if (!connected.ok) return connected;
    const status = await this.call({ type: 'READ_STATUS' }, 'STATUS');
    if (!status.ok) return status;
    // The status must be the pump this session found, never another one in range.
    const found = this.status.pumpSerial;
    if (status.value.status.serial !== found)
      return err(
        this.violation(
          `the status names pump ${status.value.status.serial}, the session pump ${found ?? 'none'}`,
          'STATUS.serial',
        ),
      );
    const contradiction = statusContradiction(status.value.status);
    if (contradiction !== undefined) return err(this.violation(contradiction.detail, contradiction.field));
    const decoded = fromWireStatus(status.value.status);
    if (!decoded.ok) this.session = null;
    return decoded;
  }

  /** BEGIN → STAGE → COMMIT; the pump applies the staged program at COMMIT, at most once per id. */
  private async programNow(write: ProgramWrite): Promise<Result<{ applied: boolean }>> {
    const stage = stageRequest(write);
    if (!stage.ok) return stage;
    const connected = await this.connect();
    if (!connected.ok) return connected;
    const other = this.otherPump(write.pumpSerial);
    if (other !== undefined) return err(other);
    const txId = stage.value.txId;
    const begun = await this.call({ type: 'BEGIN_TX', txId }, 'TX_BEGUN');
    if (!begun.ok) return begun;
    const staged = await this.call(stage.value, 'STAGED');
    if (!staged.ok) return staged;
    const committed = await this.call({ type: 'COMMIT', txId }, 'COMMITTED');
    if (!committed.ok) return committed;
    return ok({ applied: committed.value.applied });
  }

  /**
   * Whether the pump applied a transaction that is still in its replay window (its last 64): asked
   * with a COMMIT naming it in a session of its own, where nothing is staged (a new session discards
   * anything staged). The pump answers `COMMITTED applied=0` for an id in the window and ERROR 4 for
   * one that is not (never applied, or older than the window); it never applies anything. Refused
   * when the wand finds another pump than `serial`.
   */
  private async wasAppliedNow(transactionId: string, serial: string): Promise<Result<boolean>> {
    const txId = uuidToBytes(transactionId);
    this.session = null;
    const connected = await this.connect();
    if (!connected.ok) return connected;
    if (this.status.pumpSerial !== serial)
      return err(said('CONFLICT', 'probeOtherPump', { found: this.status.pumpSerial ?? '—', serial }));
    // Defence in depth: a transaction begun afresh (never staged) discards anything a wand that
    // breaks W9 might still hold staged, so the question's COMMIT can find nothing to apply.
    const begun = await this.call({ type: 'BEGIN_TX', txId: uuidToBytes(randomUUID()) }, 'TX_BEGUN');
    if (!begun.ok) return begun;
    this.lastRefusal = undefined;
    const r = await this.call({ type: 'COMMIT', txId }, 'COMMITTED');
    if (r.ok) {
      if (!r.value.applied) return ok(true);
      // Nothing was staged in this session: a pump that applies this COMMIT breaks the protocol.
      return err(this.violation('it applied a COMMIT of a transaction that was not staged', 'COMMITTED.applied'));
    }
    if (this.lastRefusal === WandErrorCode.TX_MISMATCH) return ok(false);
    return r;
  }

  /** Starts a single, priming or bridge bolus; like a program write, at most once per transaction id. */
  private async startBolusNow(write: BolusWrite): Promise<Result<{ applied: boolean }>> {
    const request = bolusRequest(write);
    if (!request.ok) return request;
    const connected = await this.connect();
    if (!connected.ok) return connected;
    const other = this.otherPump(write.pumpSerial);
    if (other !== undefined) return err(other);
    const r = await this.call(request.value, 'BOLUS_STARTED');
    return r.ok ? ok({ applied: r.value.applied }) : r;
  }

  private async setClockNow(clock: PumpClockSetting): Promise<Result<null>> {
    // Refused before anything is sent: the wire's u32 would wrap a time outside its range round,
    // and the pump takes no offset outside −720…+840 minutes.
    const seconds = wireTime(clock.time);
    if (!seconds.ok) return seconds;
    const offset = wireUtcOffset(clock.utcOffsetMinutes);
    if (!offset.ok) return offset;
    const connected = await this.connect();
    if (!connected.ok) return connected;
    const other = this.otherPump(clock.pumpSerial);
    if (other !== undefined) return err(other);
    const r = await this.call({ type: 'SET_CLOCK', time: seconds.value, utcOffsetMinutes: offset.value }, 'CLOCK_SET');
    return r.ok ? ok(null) : r;
  }

  private async alarmTestNow(): Promise<Result<null>> {
    const connected = await this.connect();
    if (!connected.ok) return connected;
    const r = await this.call({ type: 'ALARM_TEST' }, 'ALARM_TESTED');
    return r.ok ? ok(null) : r;
  }

  /**
   * The pump's event log, every page: at most `MAX_EVENT_PAGES` pages and within the events
   * deadline, whatever the wand claims.
   */
  private async readEventsNow(): Promise<Result<PumpEvent[]>> {
    const deadlineMs = this.options.eventsDeadlineMs ?? 30_000;
    const deadline = Date.now() + deadlineMs;
    const connected = await this.connect();
    if (!connected.ok) return connected;
    const events: PumpEvent[] = [];
    for (let page = 0, pages = 1; page < pages; page++) {
      if (Date.now() > deadline)
        return err(
          said(
            'COMMUNICATION_FAILED',
            'eventLogDeadline',
            { seconds: String(deadlineMs / 1000), page: String(page + 1), pages: String(pages) },
            'EVENTS.deadline',
          ),
        );
      const r = await this.call({ type: 'READ_EVENTS', page }, 'EVENTS');
      if (!r.ok) return r;
      if (r.value.pages < 1 || r.value.pages > MAX_EVENT_PAGES)
        return err(
          this.violation(
            `it claims ${r.value.pages} event pages; a pump keeps at most ${MAX_EVENT_PAGES}`,
            'EVENTS.pages',
          ),
        );
      if (page >= r.value.pages)
        return err(this.violation(`page ${page} is past the ${r.value.pages} pages it claims`, 'EVENTS.pages'));
      pages = r.value.pages;
      for (const e of r.value.events)
        events.push({ at: fromWireClock(e.time), code: pumpEventCodes[e.code] ?? 'UNKNOWN', detail: e.detail });
    }
    return ok(events);
  }

  // Every request runs alone on the wand: a reading started while a write is between its frames
  // waits for it (two requests' frames on one transport would corrupt each other).
  interrogate(): Promise<Result<PumpStatus>> {
    return this.one(() => this.interrogateNow());
  }
  program(write: ProgramWrite): Promise<Result<{ applied: boolean }>> {
    return this.one(() => this.programNow(write));
  }
  wasApplied(transactionId: string, serial: string): Promise<Result<boolean>> {
    return this.one(() => this.wasAppliedNow(transactionId, serial));
  }
  startBolus(write: BolusWrite): Promise<Result<{ applied: boolean }>> {
    return this.one(() => this.startBolusNow(write));
  }
  setClock(clock: PumpClockSetting): Promise<Result<null>> {
    return this.one(() => this.setClockNow(clock));
  }
  alarmTest(): Promise<Result<null>> {
    return this.one(() => this.alarmTestNow());
  }
  readEvents(): Promise<Result<PumpEvent[]>> {
    return this.one(() => this.readEventsNow());
  }

  private queue: Promise<unknown> = Promise.resolve();
  /** Closed by its owner: a request still queued (or made later) sends nothing and reopens nothing. */
  private closed = false;
  private one<T>(request: () => Promise<Result<T>>): Promise<Result<T>> {
    const run = () => (this.closed ? Promise.resolve(err(said('WAND_NOT_FOUND', 'noWandAttached', {}))) : request());
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * A write names the pump it was reviewed for: if the wand has since found another pump (a new
   * session after a replug, another pump in range), nothing is sent.
   */
  private otherPump(serial: string | undefined): AppError | undefined {
    if (serial === undefined || this.status.pumpSerial === serial) return undefined;
    return said('CONFLICT', 'writeOtherPump', { found: this.status.pumpSerial ?? '—', serial });
  }

  wandStatus(): WandStatus {
    return { ...this.status };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.transport.close();
    this.reset('disconnected');
  }
}
