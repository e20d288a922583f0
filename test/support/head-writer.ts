// A separate process writing one signed head: head-writer KEY_DIR LOCATION DATABASE_ID SEQ
import { FileKeyStore } from '../../db/audit/keys';

const [dir, location, databaseId, seq] = process.argv.slice(2);
if (dir === undefined || location === undefined || databaseId === undefined || seq === undefined) {
  process.stderr.write('usage: head-writer KEY_DIR LOCATION DATABASE_ID SEQ\n');
  process.exit(1);
}
new FileKeyStore(dir).writeHead(location, {
  databaseId,
  seq: Number(seq),
  hash: `sha256:${seq}`,
  metaHash: null,
  mac: `mac-${seq}`,
});
