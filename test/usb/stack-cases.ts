// The kernel bench's cases on the USB stack itself (docs/testing.md, "What it proves").
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findWand } from '../../drivers/usb/detect';
import { WAND_USB } from '../../drivers/usb/types';
import { englishText } from '../../core/messages';
import { compareReadBack } from '../../services/read-back';
import { ENDPOINT_IN, ENDPOINT_OUT, PACKET } from './gadget';
import { type Json, withTimeout, APP, check } from './bench-support';
import { webusb, hotplug, type Configuration, waitForEvent, runningProgram, writeOf, settle } from './host';
import { type Context, runCase, attach, must } from './case-runner';

export function wandSysfs(): string | undefined {
  const base = '/sys/bus/usb/devices';
  for (const d of readdirSync(base)) {
    const vid = join(base, d, 'idVendor');
    if (!existsSync(vid)) continue;
    if (
      readFileSync(vid, 'utf8').trim() === '1209' &&
      readFileSync(join(base, d, 'idProduct'), 'utf8').trim() === '0001'
    )
      return join(base, d);
  }
  return undefined;
}

export function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Unplugs the wand while a program write waits for its answer: the device side applies
 * `fault` at the COMMIT (before the pump sees it, or after the pump applied it but before the
 * answer left), and unbinds the gadget. After the replug, a fresh link reads the pump back and
 * the write is settled as the services settle an UNCONFIRMED session.
 */
export async function unplugDuringCommit(
  ctx: Context,
  fault: 'unplug-before-request' | 'unplug-after-request',
): Promise<Json> {
  const before = await must(ctx.link.interrogate(), 'interrogate before');
  const write = writeOf({
    ...runningProgram(before),
    rate: { value: before.rate.value === '0.3' ? '0.28' : '0.3', unit: 'mL/day' },
  });
  const reports = ctx.bridge.reports.length;
  const events = hotplug.length;
  await ctx.bridge.arm('COMMIT', { kind: fault });
  const rejectedBefore = ctx.recorder.rejections.length;
  const old = ctx.recorder;
  const result = await ctx.link.program(write);
  check(!result.ok, `the write was reported ${JSON.stringify(result)} although the wand was unplugged`);
  // Checked last, so that the replug and the settlement are checked whatever the clinician was told.
  const told = result.error.message.startsWith('The wand was unplugged')
    ? null
    : `the write failed for another reason: ${result.error.message}`;
  const unplugged = await ctx.bridge.waitFor('unplugged', reports);
  const rejection = old.rejections.slice(rejectedBefore)[0];
  const disconnect = await waitForEvent('disconnect', events);
  // After the unplug: transfers on the old device fail, close() resolves.
  let afterUnplug = 'resolved';
  try {
    await old.transferOut(WAND_USB.endpointOut, new Uint8Array(8));
  } catch (e) {
    afterUnplug = e instanceof Error ? e.message : String(e);
  }
  check(afterUnplug !== 'resolved', 'a transfer on the unplugged device succeeded');
  let closed = 'did not settle within 3 s';
  await withTimeout(
    ctx.link.close().then(
      () => (closed = 'resolved'),
      (e: unknown) => (closed = String(e)),
    ),
    3000,
  );
  check(closed === 'resolved', `close() on the unplugged device: ${closed}`);
  ctx.bridge.send({ cmd: 'replug' });
  const replugged = await ctx.bridge.waitFor('replugged', reports);
  const connect = await waitForEvent('connect', events);
  check(connect.device !== disconnect.device, 'the replugged wand came back as the same device object');
  attach(ctx, connect.device);
  const after = await must(ctx.link.interrogate(), 'interrogate after the replug');
  const outcome = settle(write, after);
  const expected = fault === 'unplug-after-request' ? 'confirmed' : 'rejected';
  check(
    outcome === expected,
    `the write settled ${outcome}, expected ${expected} (pump applied ${after.lastTransactionId ?? 'none'}, sent ${write.transactionId})`,
  );
  if (fault === 'unplug-before-request')
    check(
      after.lastTransactionId === before.lastTransactionId,
      'the pump changed although the COMMIT never reached it',
    );
  check(told === null, told ?? '');
  return {
    outcome,
    lastTransactionId: after.lastTransactionId,
    pendingTransfer: rejection === undefined ? null : `${rejection.call}: ${rejection.name}: ${rejection.message}`,
    afterUnplug,
    disconnectEventMs: disconnect.at - unplugged.at,
    connectEventMs: connect.at - replugged.at,
  };
}

/** The real stack: enumeration, udev, interrogate, program, unplugs, hot-plug, a busy claim. */
export async function stackCases(ctx: Context): Promise<void> {
  await runCase('enumeration: descriptors as the wand declares them', () => {
    const d = ctx.device;
    const conf = d.configuration as Configuration | null | undefined;
    check(conf !== undefined && conf !== null, 'no active configuration');
    const iface = conf.interfaces.find((i) => i.interfaceNumber === WAND_USB.interface);
    check(iface !== undefined, 'no interface 0');
    const alt = iface.alternates.find((a) => a.alternateSetting === 0);
    check(alt !== undefined, 'interface 0 has no alternate setting 0');
    check(alt.interfaceClass === 0xff, `interface class 0x${alt.interfaceClass.toString(16)}`);
    const eps = alt.endpoints.map((e) => ({ n: e.endpointNumber, dir: e.direction, type: e.type, size: e.packetSize }));
    check(
      eps.some((e) => e.n === (ENDPOINT_OUT & 0x0f) && e.dir === 'out' && e.type === 'bulk' && e.size === PACKET),
      `no bulk OUT 0x01/64: ${JSON.stringify(eps)}`,
    );
    check(
      eps.some((e) => e.n === (ENDPOINT_IN & 0x0f) && e.dir === 'in' && e.type === 'bulk' && e.size === PACKET),
      `no bulk IN 0x81/64: ${JSON.stringify(eps)}`,
    );
    return Promise.resolve({
      vendorId: d.vendorId,
      productId: d.productId,
      serial: d.serialNumber,
      product: d.productName,
      endpoints: eps,
    });
  });

  await runCase('udev rule: device node group and mode', async () => {
    await run('udevadm', ['settle', '--timeout=5']);
    const sys = wandSysfs();
    check(sys !== undefined, 'the wand is not in /sys/bus/usb/devices');
    const bus = Number(readFileSync(join(sys, 'busnum'), 'utf8'));
    const dev = Number(readFileSync(join(sys, 'devnum'), 'utf8'));
    const node = `/dev/bus/usb/${String(bus).padStart(3, '0')}/${String(dev).padStart(3, '0')}`;
    const rule = readFileSync('/etc/udev/rules.d/70-pump-wand.rules', 'utf8')
      .split('\n')
      .find((l) => l.includes('1209') && !l.startsWith('#'));
    check(rule !== undefined, 'the rule is not installed');
    const mode = /MODE="(\d+)"/.exec(rule)?.[1];
    const group = /GROUP="([^"]+)"/.exec(rule)?.[1] ?? 'root';
    const groups = new Map(
      readFileSync('/etc/group', 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l): [string, number] => [l.split(':')[0] ?? '', Number(l.split(':')[2])]),
    );
    const st = statSync(node);
    const info = await run('udevadm', ['info', '--query=property', `--name=${node}`]);
    const tags = /^(?:CURRENT_)?TAGS=(.*)$/m.exec(info.stdout)?.[1] ?? '';
    check(mode !== undefined, 'the rule sets no MODE');
    check(
      (st.mode & 0o777) === Number.parseInt(mode, 8),
      `${node} has mode ${(st.mode & 0o777).toString(8)}, the rule ${mode}`,
    );
    check(st.gid === groups.get(group), `${node} has group ${st.gid}, the rule ${group}`);
    for (const tag of rule.match(/TAG\+="([^"]+)"/g) ?? [])
      check(tags.includes(tag.slice(6, -1)), `${node} lacks tag ${tag}: ${tags}`);
    return { node, mode: (st.mode & 0o777).toString(8), group, gid: st.gid, tags };
  });

  await runCase('interrogate', async () => {
    const s = await must(ctx.link.interrogate(), 'interrogate');
    const pump = await ctx.bridge.pump();
    check(s.serial === 'SIM000123', `serial ${s.serial}`);
    check(s.lastTransactionId === pump.lastTransactionId, 'the status and the pump disagree on the last transaction');
    return {
      serial: s.serial,
      drug: s.drug,
      rate: s.rate.value,
      reservoir: s.reservoirVolume.value,
      transfers: ctx.recorder.transfers.length,
    };
  });

  await runCase('program with read-back', async () => {
    const before = await must(ctx.link.interrogate(), 'interrogate');
    const write = writeOf(runningProgram(before));
    const r = await must(ctx.link.program(write), 'program');
    check(r.applied, 'the pump did not apply the write');
    const after = await must(ctx.link.interrogate(), 'read-back');
    const mismatches = compareReadBack(write, after);
    check(mismatches.length === 0, `read-back: ${mismatches.map(englishText).join('; ')}`);
    const pump = await ctx.bridge.pump();
    check(pump.lastTransactionId === write.transactionId, 'the simulated pump holds another transaction');
    // The same COMMIT again is answered and never applied twice.
    const again = await must(ctx.link.program(write), 'program again');
    check(!again.applied, 'a replayed transaction was applied again');
    return { transactionId: write.transactionId, replayApplied: again.applied };
  });

  await runCase('unplug during a pending transfer, before COMMIT reaches the pump', () =>
    unplugDuringCommit(ctx, 'unplug-before-request'),
  );
  await runCase('unplug during a pending transfer, after the pump applied COMMIT', () =>
    unplugDuringCommit(ctx, 'unplug-after-request'),
  );

  await runCase('hot-plug: disconnect and connect events', async () => {
    await must(ctx.link.interrogate(), 'interrogate');
    const reports = ctx.bridge.reports.length;
    const events = hotplug.length;
    const old = ctx.device;
    ctx.bridge.send({ cmd: 'unplug' });
    const unplugged = await ctx.bridge.waitFor('unplugged', reports);
    const disconnect = await waitForEvent('disconnect', events);
    check(disconnect.device === old, 'the disconnect event names another device');
    const absent = await findWand(webusb);
    check(absent.presence === 'absent', `after the unplug the wand is ${absent.presence}`);
    // The link still holds the old device: a request on it (a transfer on an interface that is gone),
    // then opening it again (a device node that is gone), are both "the wand was unplugged" (K3).
    const onGone: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await ctx.link.interrogate();
      onGone.push(r.ok ? 'answered' : r.error.message);
    }
    const goneRejections = ctx.recorder.rejections.slice(-2).map((r) => `${r.call}: ${r.message}`);
    check(
      onGone.every((m) => m.startsWith('The wand was unplugged')),
      `with the wand unplugged the clinician was told: ${onGone.join(' | ')} (${goneRejections.join('; ')})`,
    );
    await withTimeout(ctx.link.close(), 3000);
    ctx.bridge.send({ cmd: 'replug' });
    const replugged = await ctx.bridge.waitFor('replugged', reports);
    const connect = await waitForEvent('connect', events);
    check(connect.device !== old, 'the replugged wand is the old device object');
    attach(ctx, connect.device);
    await must(ctx.link.interrogate(), 'interrogate after the replug');
    return {
      disconnectEventMs: disconnect.at - unplugged.at,
      connectEventMs: connect.at - replugged.at,
      whileUnplugged: goneRejections,
    };
  });

  await runCase('a second claim is refused: the interface is busy', async () => {
    await must(ctx.link.interrogate(), 'interrogate (claims the interface)');
    const r = await run('node', [join(APP, 'busy-claim.cjs')]);
    const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
    check(line !== undefined, `the second process printed nothing (exit ${r.code}): ${r.stderr.slice(0, 400)}`);
    const second = JSON.parse(line) as {
      interrogate: { ok: boolean; message?: string };
      claim: { name: string; message: string } | null;
    };
    check(!second.interrogate.ok, 'the second process interrogated the pump through a claimed interface');
    check(
      second.interrogate.message?.startsWith('Another program is using the wand') === true,
      `the second process was told: ${second.interrogate.message ?? ''}`,
    );
    check(second.claim !== null, 'the raw second claim succeeded');
    // The first link still works.
    await must(ctx.link.interrogate(), 'interrogate by the first process');
    return { told: second.interrogate.message, rawClaim: second.claim };
  });
}
