// e2e fixture: leaves one UNCONFIRMED programming session in a database, made through the real
// programming service against a simulated pump whose acknowledgement is lost. Built to
// dist/test/unconfirmed-session.cjs.
import { defaultLibrary } from '../../core/library/defaults';
import { openDatabase } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { SimulatorLink } from './simulator-link';
import { programPump } from '../../services/programming';

const [databasePath, keyDir] = process.argv.slice(2);
if (databasePath === undefined || keyDir === undefined) throw new Error('usage: unconfirmed-session DB KEYDIR');
const db = openDatabase(databasePath);
const audit = new AuditLog(db, new FileKeyStore(keyDir));
const link = new SimulatorLink();
link.writeFault = 'ack-lost';
void programPump(
  { db, audit, link, library: defaultLibrary, now: () => new Date() },
  {
    actor: { id: 1, username: 'dr.li', displayName: 'Dr Li', role: 'physician' },
    settings: {
      drug: 'morphine',
      concentration: { value: '10', unit: 'mg/mL' },
      mode: 'continuous',
      rate: { value: '0.27', unit: 'mL/day' },
    },
  },
).then((r) => {
  audit.checkpoint();
  db.close();
  if (!r.ok || r.value.outcome !== 'unconfirmed')
    throw new Error(`expected an unconfirmed session, got ${JSON.stringify(r)}`);
});
