import type { LinkKind, PumpStatus } from '../core/pump';
import type { Result } from '../core/result';

/**
 * What the services need from a connection to a pump, whatever carries it: the simulator in
 * training mode, or a programmer wand on USB.
 */
export interface PumpLink {
  readonly kind: LinkKind;
  interrogate(signal?: AbortSignal): Promise<Result<PumpStatus>>;
  close(): Promise<void>;
}
