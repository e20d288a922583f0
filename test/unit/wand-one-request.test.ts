import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultLibrary } from '../../core/library/defaults';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { openDatabase } from '../../db/connection';
import { trainingLink } from '../../drivers/simulator/training';
import { interrogate } from '../../services/interrogation';
import { programPump } from '../../services/programming';
import { manualClock, tempDir } from './helpers';
import { doctor, lower, second } from './pump-write-setup';

// One request at a time on the wand: a reading (which does not take the pump's lock) started while
// a program write is between its frames waits for it, instead of both requests' frames meeting on
// one transport (the reading failed as "interference", or the write as a protocol violation).

describe.each([0, 1, 2, 3, 5, 8, 12])('a pump reading %i ms into a program write over the same wand', (delay) => {
  it('is answered, and the write is confirmed', async () => {
    const { dir, cleanup } = tempDir();
    const db = openDatabase(join(dir, 'x.sqlite'));
    const clock = manualClock();
    // 3 ms per frame exchange: the write's frames take long enough for the reading to start among them.
    const t = trainingLink({ clock: clock.now, latencyMs: 3 });
    const deps = {
      db,
      audit: new AuditLog(db, new FileKeyStore(join(dir, 'keys'))),
      link: t.link,
      library: defaultLibrary,
      now: clock.now,
    };
    try {
      const send = t.link.program.bind(t.link);
      let read: ReturnType<typeof interrogate> | undefined;
      t.link.program = (w) => {
        read = new Promise((r) => setTimeout(r, delay)).then(() =>
          interrogate({ ...deps, actor: 'nurse.wang', role: 'nurse' }),
        );
        return send(w);
      };
      const r = await programPump(deps, { actor: doctor, witness: second, settings: lower });
      const reading = await read;
      expect(reading?.ok ? 'ok' : reading?.error.message).toBe('ok');
      expect(r).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
      expect(db.prepare('SELECT outcome FROM programming_sessions').pluck().all()).toEqual(['confirmed']);
    } finally {
      await t.link.close();
      db.close();
      cleanup();
    }
  });
});
