// The wand as a Linux USB gadget (kernel bench, usb-bench/): the configfs gadget declared by the
// guest's /init, its FunctionFS descriptors, and plugging it into / out of the dummy UDC.
import { writeFileSync } from 'node:fs';
import { WAND_USB } from '../../drivers/usb/types';

export const GADGET = '/sys/kernel/config/usb_gadget/wand';
export const FFS_DIR = '/dev/ffs-wand';
export const UDC_NAME = 'dummy_udc.0';
export const PACKET = 64;

/** FunctionFS event types (linux/usb/functionfs.h). */
export const FfsEvent = { BIND: 0, UNBIND: 1, ENABLE: 2, DISABLE: 3, SETUP: 4, SUSPEND: 5, RESUME: 6 } as const;
export const FFS_EVENT_BYTES = 12;
export const ffsEventName = (type: number): string =>
  Object.entries(FfsEvent).find(([, v]) => v === type)?.[0] ?? `EVENT_${type}`;

const DESCRIPTORS_MAGIC_V2 = 3;
const STRINGS_MAGIC = 2;
const HAS_FS_DESC = 1;

export const ENDPOINT_OUT = WAND_USB.endpointOut; // 0x01
export const ENDPOINT_IN = 0x80 | WAND_USB.endpointIn; // 0x81

/**
 * The UDC gives endpoint numbers first free first, function by function in configuration order:
 * dummy_hcd lists ep1in-bulk, then ep2out-bulk, ep7out-bulk and ep12out-bulk before ep1out-bulk.
 * So that the wand's OUT endpoint is 0x01, as the protocol document says, a second FunctionFS
 * function (linked first in the configuration, no interface, never enabled) takes those three.
 * The host sees them as stray endpoint descriptors before interface 0 and skips them.
 */
export const FILLER_FFS_DIR = '/dev/ffs-filler';
export const FILLER_ENDPOINTS = 3;
export const FFS_OUT_FILE = 'ep1';
export const FFS_IN_FILE = 'ep2';

const descriptorBlock = (descriptors: number[][]): Buffer => {
  const body = Buffer.from(descriptors.flat());
  const head = Buffer.alloc(16);
  head.writeUInt32LE(DESCRIPTORS_MAGIC_V2, 0);
  head.writeUInt32LE(head.length + body.length, 4);
  head.writeUInt32LE(HAS_FS_DESC, 8);
  head.writeUInt32LE(descriptors.length, 12); // full-speed descriptor count
  return Buffer.concat([head, body]);
};

/** Interface 0: vendor class (0xff), bulk OUT 0x01 and bulk IN 0x81, 64-byte packets. */
export function ffsDescriptors(): Buffer {
  return descriptorBlock([
    [9, 4, WAND_USB.interface, 0, 2, 0xff, 0, 0, 1],
    [7, 5, ENDPOINT_OUT, 2, PACKET, 0, 0],
    [7, 5, ENDPOINT_IN, 2, PACKET, 0, 0],
  ]);
}

/** The filler function: three bulk OUT endpoints and no interface. */
export function fillerDescriptors(): Buffer {
  return descriptorBlock(Array.from({ length: FILLER_ENDPOINTS }, (_, i) => [7, 5, 0x01 + i, 2, PACKET, 0, 0]));
}

/** No strings: counts of zero. */
export function noStrings(): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32LE(STRINGS_MAGIC, 0);
  head.writeUInt32LE(head.length, 4);
  return head;
}

export function ffsStrings(): Buffer {
  const text = Buffer.from('Wand protocol\0');
  const head = Buffer.alloc(18);
  head.writeUInt32LE(STRINGS_MAGIC, 0);
  head.writeUInt32LE(head.length + text.length, 4);
  head.writeUInt32LE(1, 8); // strings per language
  head.writeUInt32LE(1, 12); // languages
  head.writeUInt16LE(0x0409, 16);
  return Buffer.concat([head, text]);
}

/** Plugs the wand in: binds the gadget to the dummy UDC, and the host side enumerates it. */
export function plugGadget(): void {
  writeFileSync(`${GADGET}/UDC`, `${UDC_NAME}\n`);
}

/** Unplugs the wand: unbinds the gadget; the host sees the device disconnect. */
export function unplugGadget(): void {
  try {
    writeFileSync(`${GADGET}/UDC`, '\n');
  } catch {
    // Not bound: already unplugged.
  }
}
