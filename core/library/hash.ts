import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { DrugLibrary } from './schema';

/** JSON with object keys sorted at every level: the same library always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The content hash every audit record names with the version it was checked against. It covers
 * the limits, not who confirmed them: confirming a version does not change its hash.
 */
export const libraryHash = (library: DrugLibrary): string => {
  // Libraries are never changed in place (an edit makes a new version), so one hash per object.
  let hash = hashes.get(library);
  if (hash === undefined) {
    hash = `sha256:${bytesToHex(sha256(utf8ToBytes(canonicalJson({ ...library, confirmedBy: undefined }))))}`;
    hashes.set(library, hash);
  }
  return hash;
};
const hashes = new WeakMap<DrugLibrary, string>();

export const libraryId = (library: DrugLibrary): { name: string; version: number; hash: string } => ({
  name: library.name,
  version: library.version,
  hash: libraryHash(library),
});
