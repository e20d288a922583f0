// Crash-test child: appends audit records as fast as it can and reports each one whose append
// returned, until it is killed. Built to dist/test/audit-writer.cjs by scripts/build-node.mjs.
import { writeSync } from 'node:fs';
import { openDatabase } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';

const [databasePath, keyDir] = process.argv.slice(2);
if (databasePath === undefined || keyDir === undefined) {
  process.stderr.write('usage: audit-writer DB KEYDIR\n');
  process.exit(1);
}
const db = openDatabase(databasePath);
const audit = new AuditLog(db, new FileKeyStore(keyDir), { checkpointEvery: 16 });
for (;;) {
  const { seq } = audit.append({
    atUtc: new Date().toISOString(),
    actor: 'crash-test',
    pumpSerial: 'SIM000123',
    action: 'pump.interrogate',
    new: { n: Math.random() },
    outcome: 'confirmed',
  });
  // Unbuffered: the parent sees exactly the appends that returned.
  writeSync(1, `${seq}\n`);
}
