// The wand conformance suite (test/conformance/, docs/wand-protocol.md "Conformance") against the
// kernel device: the simulated wand served through FunctionFS and dummy_hcd, reached through
// node-usb's WebUSB, usbfs and the USB core. The same cases run in vitest against the in-memory
// device (test/unit/wand-conformance.test.ts).
import { conformanceCases as cases, type ConformanceTarget } from '../conformance/suite';
import { type Context, runCase, attach } from './case-runner';

export async function conformanceCases(ctx: Context): Promise<void> {
  // The suite opens and claims the wand itself: the bench's own link lets it go first.
  await ctx.link.close();
  const target: ConformanceTarget = {
    // The device as the driver sees it in the bench (a failed case's trace shows its transfers).
    device: () => Promise.resolve(ctx.recorder),
    pumpInRange: (inRange) => ctx.bridge.pumpInRange(inRange),
    logEvents: (count) => ctx.bridge.logEvents(count),
    loseClock: () => ctx.bridge.loseClock(),
  };
  for (const c of cases)
    await runCase(`conformance ${c.items.join(', ')}: ${c.name}`, async () => {
      await c.run(target);
      return undefined;
    });
  // The cases after these run on a fresh link of the bench's own.
  attach(ctx, ctx.device);
}
