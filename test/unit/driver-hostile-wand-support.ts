import type { PumpSettings } from '../../core/pump';
import type { Message, WireStatus } from '../../drivers/protocol/messages';
import type { Answer } from './driver-fakes';

// What the hostile-wand driver tests share: transaction ids, another pump's id, a morphine write,
// and rewrites of the genuine answers.

export const TX_A = '0a1b2c3d-0000-4000-8000-00000000000a';
export const TX_B = '0a1b2c3d-0000-4000-8000-00000000000b';
export const OTHER_ID = Uint8Array.from({ length: 16 }, (_v, i) => 0xf0 + (i % 16));
export const morphine = (rate: string): PumpSettings => ({
  drug: 'morphine',
  concentration: { value: '10', unit: 'mg/mL' },
  mode: 'continuous',
  rate: { value: rate, unit: 'mL/day' },
});
export const write = (transactionId: string, rate: string) => ({
  sessionId: 's',
  transactionId,
  settings: morphine(rate),
});

/** Rewrites only the answers to one request type; every other answer is the genuine one. */
export const on =
  (type: Message['type'], f: (request: Message, answer: Message, seq: number) => Answer[]) =>
  (request: Message, answer: Message, seq: number): Answer[] =>
    request.type === type ? f(request, answer, seq) : [{ seq, message: answer }];

/** A STATUS answer with some wire fields changed. */
export const status = (answer: Message, change: Partial<WireStatus>): Message => {
  if (answer.type !== 'STATUS') throw new Error(`expected STATUS, got ${answer.type}`);
  return { type: 'STATUS', status: { ...answer.status, ...change } };
};
