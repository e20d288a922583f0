// The guest's root file system for the kernel bench: a tree of files, symlinks, directories and
// device nodes, written as an uncompressed newc cpio archive (the initramfs). Used by build.mjs.
import {
  closeSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

/** A root file system tree: path in the guest → where it comes from (a file, a symlink, a directory). */
export class Tree {
  entries = new Map();
  dir(path) {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join('/');
      if (!this.entries.has(p)) this.entries.set(p, { kind: 'dir' });
    }
  }
  file(path, source, mode) {
    const p = path.replace(/^\//, '');
    this.dir(dirname(p));
    this.entries.set(p, { kind: 'file', source, mode: mode ?? statSync(source).mode & 0o7777 });
  }
  data(path, text, mode = 0o644) {
    const p = path.replace(/^\//, '');
    this.dir(dirname(p));
    this.entries.set(p, { kind: 'data', data: Buffer.from(text), mode });
  }
  link(path, target) {
    const p = path.replace(/^\//, '');
    this.dir(dirname(p));
    this.entries.set(p, { kind: 'link', target });
  }
  node(path, major, minor, mode) {
    const p = path.replace(/^\//, '');
    this.dir(dirname(p));
    this.entries.set(p, { kind: 'char', major, minor, mode });
  }
  /** A host file at the same path, following the symlinks on its way (as ldd names libraries). */
  host(path) {
    const real = realpathSync(path);
    if (real !== path && lstatSync(path).isSymbolicLink()) {
      this.link(path, readlinkSync(path));
      const target = readlinkSync(path).startsWith('/') ? readlinkSync(path) : join(dirname(path), readlinkSync(path));
      this.host(target);
      return;
    }
    this.file(path, real);
  }
  /** A host directory copied under `to`. */
  tree(from, to) {
    for (const e of readdirSync(from, { withFileTypes: true })) {
      const src = join(from, e.name);
      const dst = join(to, e.name);
      if (e.isDirectory()) this.tree(src, dst);
      else if (e.isSymbolicLink()) this.link(dst, readlinkSync(src));
      else this.file(dst, src);
    }
  }
}

/** Writes the tree as an uncompressed newc cpio archive (what the kernel unpacks into its rootfs). */
export function writeCpio(tree, out) {
  const fd = openSync(`${out}.tmp`, 'w');
  let ino = 1;
  const pad = (n) => (4 - (n % 4)) % 4;
  const entry = (name, mode, data, rdev = [0, 0]) => {
    const nameBytes = Buffer.from(`${name}\0`);
    const fields = [ino++, mode, 0, 0, 1, 0, data.length, 0, 0, rdev[0], rdev[1], nameBytes.length, 0];
    const header = Buffer.from(`070701${fields.map((f) => f.toString(16).padStart(8, '0')).join('')}`);
    writeSync(fd, header);
    writeSync(fd, nameBytes);
    writeSync(fd, Buffer.alloc(pad(header.length + nameBytes.length)));
    if (data.length > 0) writeSync(fd, data);
    writeSync(fd, Buffer.alloc(pad(data.length)));
  };
  const names = [...tree.entries.keys()].sort();
  for (const name of names) {
    const e = tree.entries.get(name);
    if (e.kind === 'dir') entry(name, 0o040755, Buffer.alloc(0));
    else if (e.kind === 'file') entry(name, 0o100000 | e.mode, readFileSync(e.source));
    else if (e.kind === 'data') entry(name, 0o100000 | e.mode, e.data);
    else if (e.kind === 'link') entry(name, 0o120777, Buffer.from(e.target));
    else entry(name, 0o020000 | e.mode, Buffer.alloc(0), [e.major, e.minor]);
  }
  entry('TRAILER!!!', 0, Buffer.alloc(0));
  closeSync(fd);
  renameSync(`${out}.tmp`, out);
}
