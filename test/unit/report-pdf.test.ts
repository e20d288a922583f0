import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerIpc, type IpcMainLike } from '../../main/ipc/register';
import { saveReportPdf, type PdfHost } from '../../main/report-pdf';
import type { Dispatch } from '../../services/dispatch';
import { appError, err, ok } from '../../core/result';
import { tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

const PDF = new TextEncoder().encode('%PDF-1.7\n% report\n%%EOF\n');

/** Test double for the Electron window's printToPDF and save dialog (the Electron binary does not run here). */
function fakeHost(
  answer: { canceled: boolean; filePath?: string },
  print: () => Promise<Uint8Array> = () => Promise.resolve(PDF),
) {
  const asked: Array<Parameters<PdfHost['showSaveDialog']>[0]> = [];
  const printed: Array<Parameters<PdfHost['printToPDF']>[0]> = [];
  const host: PdfHost = {
    printToPDF: (options) => {
      printed.push(options);
      return print();
    },
    showSaveDialog: (options) => {
      asked.push(options);
      return Promise.resolve(answer);
    },
    documentsDir: dir,
  };
  return { host, asked, printed };
}

describe('saving the report as a PDF (desktop app)', () => {
  it('prints the page on A4 and writes it where the user chose', async () => {
    const target = join(dir, 'refill-SIM000123.pdf');
    const { host, asked, printed } = fakeHost({ canceled: false, filePath: target });
    expect(await saveReportPdf(host, 'refill-SIM000123.pdf')).toEqual({ ok: true, value: { savedTo: target } });
    expect(readFileSync(target, 'latin1')).toMatch(/^%PDF-/);
    expect(printed[0]).toMatchObject({ pageSize: 'A4', printBackground: true });
    expect(asked[0]?.defaultPath).toBe(join(dir, 'refill-SIM000123.pdf'));
  });

  it('saves nothing when the dialog is cancelled', async () => {
    const { host } = fakeHost({ canceled: true });
    expect(await saveReportPdf(host, 'report.pdf')).toEqual({ ok: true, value: { savedTo: null } });
    expect(existsSync(join(dir, 'report.pdf'))).toBe(false);
  });

  it('says where a file could not be written (a folder that is gone), and what to do', async () => {
    const target = join(dir, 'gone', 'report.pdf');
    const r = await saveReportPdf(fakeHost({ canceled: false, filePath: target }).host, 'report.pdf');
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'STORAGE_FAILED', message: expect.stringContaining(target) as unknown },
    });
  });

  it('reports a page that cannot be laid out, without opening the dialog', async () => {
    const { host, asked } = fakeHost({ canceled: false, filePath: join(dir, 'x.pdf') }, () =>
      Promise.reject(new Error('renderer gone')),
    );
    expect(await saveReportPdf(host, 'x.pdf')).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL', message: expect.stringContaining('renderer gone') as unknown },
    });
    expect(asked).toHaveLength(0);
  });
});

describe('the desktop app’s own IPC handlers', () => {
  type Event = { senderFrame: { url: string } | null; sender: string };
  type Listener = (event: Event, input: unknown) => Promise<unknown>;
  /** Test double for Electron's ipcMain. */
  const fakeIpc = () => {
    const handlers = new Map<string, Listener>();
    const ipc: IpcMainLike<Event> = { handle: (c, l) => handlers.set(c, l), removeHandler: (c) => handlers.delete(c) };
    const invoke = (channel: string, input: unknown, url = 'file:///app/index.html') =>
      (handlers.get(channel) ?? (() => Promise.reject(new Error(channel))))(
        { senderFrame: { url }, sender: 'window-1' },
        input,
      );
    return { ipc, invoke };
  };
  const session =
    (user: unknown, locked = false): Dispatch =>
    (channel) =>
      Promise.resolve(channel === 'auth:status' ? ok({ user, locked }) : err(appError('INTERNAL', String(channel))));

  it('answers report:pdf itself, for the calling window, once the input is valid and someone is signed in', async () => {
    const calls: Array<[string, string]> = [];
    const own = {
      'report:pdf': (event: Event, input: { fileName: string }) => {
        calls.push([event.sender, input.fileName]);
        return Promise.resolve({ ok: true as const, value: { savedTo: '/x.pdf' } });
      },
    };
    const signedIn = fakeIpc();
    registerIpc(signedIn.ipc, session({ username: 'dr.li' }), (u) => u.startsWith('file:///app/'), own);
    expect(await signedIn.invoke('report:pdf', { fileName: 'refill.pdf' })).toEqual({
      ok: true,
      value: { savedTo: '/x.pdf' },
    });
    expect(await signedIn.invoke('report:pdf', { fileName: '../etc/passwd' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await signedIn.invoke('report:pdf', { fileName: 'a.pdf' }, 'https://evil.example/')).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN_ORIGIN' },
    });
    expect(calls).toEqual([['window-1', 'refill.pdf']]);

    const out = fakeIpc();
    registerIpc(out.ipc, session(null), () => true, own);
    expect(await out.invoke('report:pdf', { fileName: 'a.pdf' })).toMatchObject({
      ok: false,
      error: { code: 'SIGNED_OUT' },
    });
    const locked = fakeIpc();
    registerIpc(locked.ipc, session({ username: 'dr.li' }, true), () => true, own);
    expect(await locked.invoke('report:pdf', { fileName: 'a.pdf' })).toMatchObject({
      ok: false,
      error: { code: 'SESSION_LOCKED' },
    });
    expect(calls).toHaveLength(1);
  });
});
