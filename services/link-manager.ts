import type { LinkInfo } from '../core/api/contract';
import type { BolusWrite, LinkKind, ProgramWrite, PumpEvent, PumpStatus, WandStatus } from '../core/pump';
import { err, type Result } from '../core/result';
import type { PumpClockSetting, PumpLink } from '../drivers/link';
import type { LinkChoice } from './link-select';

import type { WandAttachSource } from '../drivers/usb/detect';
import { said } from '../core/messages';

export type { WandAttachSource };

const unsupported = () => err(said('COMMUNICATION_FAILED', 'linkNotSupported', {}));

/**
 * The link the services use, which can change while the app runs: when a wand is plugged in
 * during training mode, the app switches to it (and says so through `info`); a wand replugged after
 * being unplugged is opened again. It never switches
 * back to the simulator on its own: an unplugged wand stays an unplugged wand, so training can
 * never be mistaken for a patient's pump.
 */
export class LinkManager implements PumpLink {
  private choice: LinkChoice;
  private readonly unsubscribe: (() => void) | undefined;

  constructor(initial: LinkChoice, attach?: { source: WandAttachSource; wandLink: () => PumpLink }) {
    this.choice = initial;
    this.unsubscribe = attach?.source.onWandAttached(() => {
      if (this.choice.info.reason === 'SIMULATOR_REQUESTED') return;
      // A wand replugged after it was unplugged is a new device: open it afresh.
      if (!this.choice.info.training && this.choice.link.wandStatus().state !== 'disconnected') return;
      const previous = this.choice.link;
      this.choice = { link: attach.wandLink(), info: { kind: 'usb', training: false } };
      void previous.close();
    });
  }

  get kind(): LinkKind {
    return this.choice.link.kind;
  }

  get info(): LinkInfo {
    return this.choice.info;
  }

  interrogate(signal?: AbortSignal): Promise<Result<PumpStatus>> {
    return this.choice.link.interrogate(signal);
  }

  program(write: ProgramWrite): Promise<Result<{ applied: boolean }>> {
    return this.choice.link.program(write);
  }

  startBolus(write: BolusWrite): Promise<Result<{ applied: boolean }>> {
    const link = this.choice.link;
    if (link.startBolus === undefined) return Promise.resolve(unsupported());
    return link.startBolus(write);
  }

  setClock(clock: PumpClockSetting): Promise<Result<null>> {
    const link = this.choice.link;
    return link.setClock === undefined ? Promise.resolve(unsupported()) : link.setClock(clock);
  }

  readEvents(): Promise<Result<PumpEvent[]>> {
    const link = this.choice.link;
    return link.readEvents === undefined ? Promise.resolve(unsupported()) : link.readEvents();
  }

  wasApplied(transactionId: string, serial: string): Promise<Result<boolean>> {
    const link = this.choice.link;
    return link.wasApplied === undefined ? Promise.resolve(unsupported()) : link.wasApplied(transactionId, serial);
  }

  alarmTest(): Promise<Result<null>> {
    const link = this.choice.link;
    return link.alarmTest === undefined ? Promise.resolve(unsupported()) : link.alarmTest();
  }

  wandStatus(): WandStatus {
    return this.choice.link.wandStatus();
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    await this.choice.link.close();
  }
}
