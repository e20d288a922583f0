/** Little-endian byte writer and bounds-checked reader for message payloads. */
const encoder = new TextEncoder();
// Fatal: text that is not UTF-8 is refused, never read with replacement characters.
const decoder = new TextDecoder('utf-8', { fatal: true });
const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
};

/** A field value the wire cannot carry is a programming error, never silently wrapped round. */
const inRange = (v: number, max: number): number => {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${v} does not fit a field of 0…${max}`);
  return v;
};

export class Writer {
  private bytes: number[] = [];
  u8(v: number): this {
    this.bytes.push(inRange(v, 0xff));
    return this;
  }
  u16(v: number): this {
    inRange(v, 0xffff);
    return this.u8(v & 0xff).u8(v >>> 8);
  }
  u32(v: number): this {
    inRange(v, 0xffffffff);
    return this.u16(v & 0xffff).u16(v >>> 16);
  }
  /** A signed 16-bit integer, two's complement. */
  i16(v: number): this {
    if (!Number.isInteger(v) || v < -0x8000 || v > 0x7fff)
      throw new RangeError(`${v} does not fit a field of -32768…32767`);
    return this.u16(v < 0 ? v + 0x10000 : v);
  }
  raw(b: Uint8Array): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }
  /** UTF-8 text with a u8 length prefix (at most 255 bytes). */
  str8(s: string): this {
    // ASCII fast path (serials, models): no encoder allocation.
    if (s.length <= 255 && isAscii(s)) {
      this.u8(s.length);
      for (let i = 0; i < s.length; i++) this.bytes.push(s.charCodeAt(i));
      return this;
    }
    const b = encoder.encode(s);
    if (b.length > 255) throw new RangeError('text longer than 255 bytes');
    return this.u8(b.length).raw(b);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** Thrown only inside the codec and turned into a typed error there. */
export class ShortPayload extends Error {}

/** A field whose value the protocol does not allow; thrown only inside the codec and turned into a typed error there. */
export class BadField extends Error {
  constructor(
    readonly field: string,
    readonly value: number,
  ) {
    super(`${field} = ${value}`);
  }
}

export class Reader {
  private at = 0;
  constructor(private readonly b: Uint8Array) {}
  private need(n: number): void {
    if (this.at + n > this.b.length)
      throw new ShortPayload(`payload ends at byte ${this.b.length}, needed ${this.at + n}`);
  }
  u8(): number {
    this.need(1);
    return this.b[this.at++] ?? 0;
  }
  u16(): number {
    return this.u8() | (this.u8() << 8);
  }
  u32(): number {
    return (this.u16() | (this.u16() << 16)) >>> 0;
  }
  i16(): number {
    const v = this.u16();
    return v >= 0x8000 ? v - 0x10000 : v;
  }
  raw(n: number): Uint8Array {
    this.need(n);
    const out = this.b.slice(this.at, this.at + n);
    this.at += n;
    return out;
  }
  str8(): string {
    const n = this.u8();
    this.need(n);
    let text: string;
    try {
      text = decoder.decode(this.b.subarray(this.at, this.at + n));
    } catch {
      throw new BadField('text', n);
    }
    this.at += n;
    return text;
  }
  get remaining(): number {
    return this.b.length - this.at;
  }
}
