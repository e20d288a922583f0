// A second program wanting the wand while bench.ts holds its interface (kernel bench): it tries to
// interrogate through the project's driver, then to claim the interface itself, and prints what
// it was told as one JSON line.
import { WebUSB } from 'usb';
import { findWand } from '../../drivers/usb/detect';
import { WAND_USB, type UsbDeviceLike } from '../../drivers/usb/types';
import { WandLink } from '../../drivers/wand-link';

async function main(): Promise<void> {
  const usb = new WebUSB({ allowAllDevices: true });
  const found = await findWand(usb);
  if (found.presence !== 'attached') throw new Error(`no wand: ${found.presence}`);
  const link = new WandLink(found.device as unknown as UsbDeviceLike, { kind: 'usb' });
  const r = await link.interrogate();
  let claim: { name: string; message: string } | null = null;
  try {
    if (!found.device.opened) await found.device.open();
    await found.device.claimInterface(WAND_USB.interface);
  } catch (e) {
    claim = { name: e instanceof Error ? e.name : typeof e, message: e instanceof Error ? e.message : String(e) };
  }
  process.stdout.write(
    `${JSON.stringify({ interrogate: r.ok ? { ok: true } : { ok: false, code: r.error.code, message: r.error.message }, claim })}\n`,
  );
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
