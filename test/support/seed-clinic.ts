// e2e fixture: a clinic as the app would hold it after its first weeks, made through the real
// services: the administrator, two physicians, two nurses and a pharmacist, a patient with pain scores and the
// training pump (SIM000123) registered to her. Built to dist/test/seed-clinic.cjs.
//   node dist/test/seed-clinic.cjs DB KEYDIR [--audit-records N]
import { openDatabase } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { createFirstAdmin, createUser } from '../../services/auth/accounts';
import { createPatient, recordPain, registerPump } from '../../services/records';

export const SEED_PASSWORD = 'correct horse battery';

async function main(): Promise<void> {
  const [databasePath, keyDir, flag, count] = process.argv.slice(2);
  if (databasePath === undefined || keyDir === undefined)
    throw new Error('usage: seed-clinic DB KEYDIR [--audit-records N]');
  const db = openDatabase(databasePath);
  const audit = new AuditLog(db, new FileKeyStore(keyDir));
  let t = Date.parse('2026-09-01T08:00:00Z');
  const now = () => new Date((t += 60_000));
  const deps = { db, audit, now };
  const must = <T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  const admin = must(
    await createFirstAdmin(deps, { username: 'admin', displayName: 'Site Admin', password: SEED_PASSWORD }),
  );
  for (const [username, displayName, role] of [
    ['dr.li', 'Dr Li Ming', 'physician'],
    ['dr.chen', 'Dr Chen Jing', 'physician'],
    ['nurse.wang', 'Nurse Wang Fang', 'nurse'],
    ['nurse.zhao', 'Nurse Zhao Lei', 'nurse'],
    ['pharm.sun', 'Pharmacist Sun Yu', 'admin'],
  ] as const) {
    must(await createUser(deps, admin, { username, displayName, password: SEED_PASSWORD, role }));
  }
  const nurse = { id: 4, username: 'nurse.wang', displayName: 'Nurse Wang Fang', role: 'nurse' as const };
  const patientId = must(
    createPatient(deps, nurse, {
      identifier: 'P-0001',
      name: 'Zhang Wei',
      birthDate: '1961-04-12',
      indication: 'non-cancer',
      indicationKind: 'failed back surgery syndrome',
    }),
  );
  must(
    registerPump(deps, nurse, {
      patientId,
      modelId: 'sim-40',
      serial: 'SIM000123',
      implantDate: '2026-06-02',
      catheterModelId: 'sim-cath',
      catheterLengthCm: '40',
    }),
  );
  for (const vas of [8, 7, 7, 6, 5]) must(recordPain(deps, nurse, { patientId, vas }));
  must(
    createPatient(deps, nurse, {
      identifier: 'P-0002',
      name: 'Li Na',
      indication: 'cancer',
      indicationKind: 'spinal metastasis',
    }),
  );
  if (flag === '--audit-records') {
    // Bulk history for the audit viewer: interrogation-like records through the real chained append.
    const n = Number(count);
    for (let done = 0; done < n; done += 1000) {
      audit.commit(() => {
        for (let i = done; i < Math.min(n, done + 1000); i++) {
          audit.append({
            atUtc: now().toISOString(),
            actor: i % 2 === 0 ? 'nurse.wang' : 'dr.li',
            role: i % 2 === 0 ? 'nurse' : 'physician',
            patientId: 'P-0001',
            pumpSerial: 'SIM000123',
            action: 'pump.interrogate',
            new: { n: i },
            outcome: 'confirmed',
          });
        }
      });
    }
  }
  audit.checkpoint();
  db.close();
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
