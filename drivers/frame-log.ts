/** Frames exchanged with the wand, held until the programming session they belong to is stored. */
export class FrameLog {
  private frames: Array<{ at: string; direction: 'out' | 'in'; bytes: Uint8Array }> = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  readonly record = (direction: 'out' | 'in', bytes: Uint8Array): void => {
    // Bounded: a session is a handful of frames; a link left open for hours must not grow forever.
    if (this.frames.length >= 1000) this.frames.shift();
    this.frames.push({ at: this.now().toISOString(), direction, bytes: bytes.slice() });
  };

  /** Everything recorded since the last call. */
  take(): Array<{ at: string; direction: 'out' | 'in'; bytes: Uint8Array }> {
    const out = this.frames;
    this.frames = [];
    return out;
  }
}
