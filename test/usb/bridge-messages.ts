// The messages between the kernel bench (bridge.ts) and its device side (device-bridge.ts).
import type { LinkFault } from '../../drivers/simulator/usb-device';

/** Commands from the bench. */
export type BridgeCommand =
  | { cmd: 'arm'; message: string; fault: LinkFault }
  | { cmd: 'inject'; fault: LinkFault; offset?: number }
  /** `echo`: every OUT packet is answered by `packet[0]` IN packets of 64 bytes (the raw floor). */
  | { cmd: 'mode'; mode: 'wand' | 'echo' }
  | { cmd: 'unplug' }
  | { cmd: 'replug' }
  | { cmd: 'pump' }
  /** The pump leaves the wand's range (false) or comes back (true). */
  | { cmd: 'range'; inRange: boolean }
  /** The pump logs `count` alarm tests (to fill its event log without the wire). */
  | { cmd: 'log'; count: number }
  /** The pump loses its clock (a conformance case, W14, gives it back by SET_CLOCK). */
  | { cmd: 'lose-clock' }
  /** Time spent answering requests (the simulated wand and pump) since the last `stats`. */
  | { cmd: 'stats' };

/** Reports to the bench. */
export type BridgeReport =
  | { ev: 'ready' }
  | { ev: 'ffs'; type: string; at: number }
  | { ev: 'unplugged'; at: number }
  | { ev: 'replugged'; at: number }
  | { ev: 'mode'; mode: 'wand' | 'echo' }
  | {
      ev: 'pump';
      lastTransactionId: string | null;
      requests: number;
      /** The pump's clock (ISO, UTC) and the UTC offset it runs flex steps by, as the pump holds them. */
      pumpTime: string;
      utcOffsetMinutes: number;
    }
  /** busyMs: the simulated wand's computation; answerMs: from each request's last packet to its answer's first write. */
  | { ev: 'stats'; packets: number; busyMs: number; answerMs: number }
  | { ev: 'range'; inRange: boolean }
  | { ev: 'logged'; events: number }
  | { ev: 'clock-lost' }
  | { ev: 'injected' }
  | { ev: 'armed' }
  | { ev: 'error'; message: string };
