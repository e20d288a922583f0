// The wand conformance suite: what docs/wand-protocol.md ("Conformance", wand side W1…W14) asks of a
// wand and its pump, checked through the WebUSB `USBDevice` interface alone, with raw frames and
// with the project's driver. Run against the simulator's in-memory device
// (test/unit/wand-conformance.test.ts) and against the kernel device in the kernel bench
// (test/usb/conformance-cases.ts).
import { exchangeCases } from './cases-exchanges';
import { pumpCases } from './cases-pump';
import { transactionCases } from './cases-transactions';
import type { ConformanceCase, ConformanceTarget } from './helpers';

export type { ConformanceCase, ConformanceTarget } from './helpers';
export { Nonconformance } from './wire';

/** Every case, in the order the kernel bench runs them on one wand (the event log is filled last). */
export const conformanceCases: readonly ConformanceCase[] = [...exchangeCases, ...transactionCases, ...pumpCases];

/** Runs every case in order on one wand; the failures, each with its case's name. */
export async function runConformance(target: ConformanceTarget): Promise<Array<{ name: string; error: string }>> {
  const failures: Array<{ name: string; error: string }> = [];
  for (const c of conformanceCases) {
    try {
      await c.run(target);
    } catch (e) {
      failures.push({ name: c.name, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return failures;
}
