// Race-test child: opens a database through the programmer's store (encrypting a plain one, as a
// host does at start), records that it did, and exits 0; a refusal is printed with exit 2.
// Built to dist/test/store-opener.cjs by scripts/build-node.mjs.
import { DatabaseKeyFile, FileKeyStore } from '../../db/audit/keys';
import { setSetting } from '../../db/queries/users';
import { openStore } from '../../db/store';

const [databasePath, keyDir, name] = process.argv.slice(2);
if (databasePath === undefined || keyDir === undefined || name === undefined) {
  process.stderr.write('usage: store-opener DB KEYDIR NAME\n');
  process.exit(1);
}
try {
  const db = openStore(databasePath, { keyFile: new DatabaseKeyFile(keyDir), auditKeys: new FileKeyStore(keyDir) });
  setSetting(db, `opener.${name}`, '1');
  db.close();
  process.stdout.write(`opened ${name}\n`);
} catch (e) {
  process.stdout.write(`refused: ${(e as Error).message}\n`);
  process.exit(2);
}
