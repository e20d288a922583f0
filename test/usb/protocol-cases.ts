// The kernel bench's protocol cases: the driver's exchanges and its recovery from faults on the line.
import { randomUUID } from 'node:crypto';
import type { BridgeCommand } from './bridge-messages';
import { check } from './bench-support';
import { type Context, runCase, must } from './case-runner';

/** The protocol through usbfs: every exchange, lost, damaged, late and stale answers, a silent wand, a reopen. */
export async function protocolCases(ctx: Context): Promise<void> {
  await runCase('protocol: event log, alarm test, bolus and its replay', async () => {
    const events = await must(ctx.link.readEvents(), 'readEvents');
    check(
      events.some((e) => e.code === 'PROGRAM_APPLIED'),
      'no PROGRAM_APPLIED in the event log',
    );
    await must(ctx.link.alarmTest(), 'alarmTest');
    const bolus = { transactionId: randomUUID(), kind: 'single' as const, volumeMl: '0.1', durationMinutes: 10 };
    const first = await must(ctx.link.startBolus(bolus), 'startBolus');
    const again = await must(ctx.link.startBolus(bolus), 'startBolus again');
    check(first.applied && !again.applied, `bolus applied ${first.applied}, replay applied ${again.applied}`);
    return { events: events.length };
  });

  const faultCase = async (
    name: string,
    faults: Array<BridgeCommand & { cmd: 'inject' }>,
    expectDiscarded: boolean,
    knownDefects: string[] = [],
  ) =>
    runCase(
      name,
      async () => {
        await must(ctx.link.interrogate(), 'interrogate');
        await ctx.bridge.inject(...faults);
        ctx.recorder.trace = { t0: performance.now(), lines: [] };
        const recorded = ctx.recorder.rejections.length;
        const t0 = Date.now();
        await must(ctx.link.interrogate(), 'interrogate through the fault');
        const ms = Date.now() - t0;
        await must(ctx.link.interrogate(), 'interrogate after the fault');
        ctx.recorder.trace = null;
        return {
          ms,
          expectDiscarded,
          rejections: ctx.recorder.rejections.slice(recorded).map((r) => `${r.call}: ${r.message}`),
        };
      },
      knownDefects,
    );
  await faultCase(
    'protocol: a lost answer is asked for again',
    [{ cmd: 'inject', fault: { kind: 'drop-response' } }],
    false,
  );
  await faultCase(
    'protocol: a damaged answer is asked for again',
    [{ cmd: 'inject', fault: { kind: 'corrupt-response' } }],
    false,
  );
  // The late answer's read outlives the transport's 500 ms and, under emulation, can reach its 1 s USB timeout (K1).
  await faultCase(
    'protocol: a late answer (700 ms) is discarded, the repeat is answered',
    [{ cmd: 'inject', fault: { kind: 'delay-response', ms: 700 } }],
    true,
  );
  await faultCase(
    'protocol: stale input is drained before the next request',
    [{ cmd: 'inject', fault: { kind: 'stale-input' } }],
    true,
  );

  await runCase('a wand that stops answering: "the pump did not answer", then the link works again', async () => {
    await must(ctx.link.interrogate(), 'interrogate');
    // Every attempt of the next request loses its answer (the link tries it three times).
    await ctx.bridge.inject(
      ...[0, 1, 2].map((offset) => ({ cmd: 'inject' as const, fault: { kind: 'drop-response' as const }, offset })),
    );
    ctx.recorder.trace = { t0: performance.now(), lines: [] };
    const lost = await ctx.link.interrogate();
    const again = await ctx.link.interrogate();
    ctx.recorder.trace = null;
    const problems: string[] = [];
    if (lost.ok) problems.push('an interrogation answered although every answer was lost');
    else if (!lost.error.message.startsWith('The pump did not answer'))
      problems.push(`the clinician was told: ${lost.error.message}`);
    if (!again.ok) problems.push(`the next interrogation failed: ${again.error.message}`);
    check(problems.length === 0, problems.join('; '));
    return {
      told: lost.ok ? null : lost.error.message,
      rejections: ctx.recorder.rejections.map((r) => `${r.call}: ${r.message}`),
    };
  });

  await runCase(
    'reopen after a USB error with a read in flight: the wand is opened afresh, not "another program"',
    async () => {
      await must(ctx.link.interrogate(), 'interrogate');
      // The next answer is lost, so its read is still in flight when the repeat's write fails with an
      // error the driver cannot place (a USB error: the link opens the device afresh before the next request).
      await ctx.bridge.inject({ cmd: 'inject', fault: { kind: 'drop-response' } });
      ctx.recorder.failOut = { skip: 1, message: 'transferOut error: InvalidArgument' };
      const calls = ctx.recorder.calls.length;
      const rejected = ctx.recorder.rejections.length;
      const failed = await ctx.link.interrogate();
      check(
        !failed.ok && failed.error.message.startsWith('USB error'),
        `the failed request was reported ${JSON.stringify(failed)}`,
      );
      const again = await ctx.link.interrogate();
      const reopen = ctx.recorder.calls.slice(calls);
      // The injected failure, and the lost answer's read ended by its USB timeout, are expected.
      const refused = ctx.recorder.rejections
        .slice(rejected)
        .filter((r) => r.call !== 'transferOut' && !(r.call === 'transferIn' && /error: Cancelled$/.test(r.message)))
        .map((r) => `${r.call}: ${r.message}`);
      check(
        again.ok,
        `the next interrogation failed: ${again.ok ? '' : again.error.message} (calls ${reopen.join(', ')}; refused ${refused.join('; ')})`,
      );
      check(
        !reopen.includes('selectConfiguration'),
        `the configuration was selected again on reopening: ${reopen.join(', ')}`,
      );
      check(refused.length === 0, `refused while reopening: ${refused.join('; ')}`);
      return { reopen, told: failed.ok ? null : failed.error.message };
    },
  );
}
