import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contract } from '../../core/api/contract';
import { findingCodes } from '../../core/library/findings';
import { placeholdersOf, serverMessages } from '../../core/messages';
import { en } from '../../renderer/i18n/en';
import { zhCN } from '../../renderer/i18n/zh-CN';
import { inputFieldNames } from './server-messages-fields';

const tables = [
  ['en', en],
  ['zh-CN', zhCN],
] as const;
const han = /[\u4e00-\u9fff]/;
const sorted = (text: string) => placeholdersOf(text).sort();

/** Every .ts file under a folder of the repository. */
function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}
const serverSources = ['services', 'core', 'drivers', 'db', 'main', 'web', 'cli'].flatMap(sources);

/** The message keys the server code names: each quoted name in the key argument of `said(…)` and `namedError(…)`, and the dispatcher's validation keys. */
function keysUsed(): Map<string, string> {
  const used = new Map<string, string>();
  const calls = /\b(?:said|namedError)\(\s*[^,]+,\s*([^,{]+?),\s*\{/g;
  for (const file of serverSources) {
    const text = readFileSync(file, 'utf8');
    for (const call of text.matchAll(calls))
      for (const name of (call[1] ?? '').matchAll(/'([A-Za-z]+)'/g)) used.set(name[1] ?? '', file);
    if (file.endsWith('result.ts')) for (const m of text.matchAll(/\bkey: '([A-Za-z]+)'/g)) used.set(m[1] ?? '', file);
  }
  return used;
}
const everyQuotedName = (): Set<string> =>
  new Set(
    serverSources.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/'([A-Za-z]+)'/g)].map((m) => m[1] ?? '')),
  );

describe('every message the server names is translated', () => {
  it.each(tables)('%s has each key of core/message-table.ts, with the same values in {{…}}', (language, table) => {
    const messages = table.serverMessage as Record<string, string>;
    expect(Object.keys(messages).sort()).toEqual(Object.keys(serverMessages).sort());
    for (const [key, english] of Object.entries(serverMessages)) {
      expect(sorted(messages[key] ?? ''), `${language} ${key}`).toEqual(sorted(english));
      if (language === 'zh-CN') expect(messages[key], key).toMatch(han);
    }
  });

  it('the server code names only keys of the table (and names many of them)', () => {
    const used = keysUsed();
    expect(used.size).toBeGreaterThan(100);
    for (const [key, file] of used) expect(Object.keys(serverMessages), `${key} in ${file}`).toContain(key);
  });

  it('every key of the table is sent by some server code (no message left behind)', () => {
    const quoted = everyQuotedName();
    for (const key of Object.keys(serverMessages)) expect(quoted.has(key), key).toBe(true);
  });

  it('no service refuses in English only: every appError left is an internal fault or a fallback never reached', () => {
    // INTERNAL is shown as the UI's own words; the rest: a hard verdict always has a hard finding
    // (named), and a link without boluses is refused before a bolus is written (bolusNotSupported).
    const allowed = [
      /^appError\('INTERNAL', /,
      /^appError\('HARD_LIMIT', message, /,
      /^appError\('NOT_AVAILABLE', 'this link cannot start a bolus'\)/,
    ];
    const left: string[] = [];
    // The services, the wand's driver, the calculations (pumpctl calc and the bolus calculators),
    // the web host and the desktop shell: every refusal a person may read is a named message.
    for (const file of [
      ...['services', 'drivers', 'core/calc', 'web', 'main'].flatMap(sources),
      'cli/commands/calc.ts',
    ])
      for (const m of readFileSync(file, 'utf8').matchAll(/appError\([^;]*/g))
        if (!allowed.some((a) => a.test(m[0]))) left.push(`${file}: ${m[0].slice(0, 80)}`);
    expect(left).toEqual([]);
  });

  it.each(tables)('%s translates every drug-library finding with the values the check sends', (_language, table) => {
    const findings = table.finding as Record<string, string>;
    for (const code of findingCodes) expect(findings[code], code).toEqual(expect.any(String));
    for (const code of findingCodes) expect(sorted(zhCN.finding[code]), code).toEqual(sorted(en.finding[code]));
  });

  it.each(tables)('%s names every field a request can be refused for', (language, table) => {
    const names = table.fieldName as Record<string, string>;
    const fields = inputFieldNames(Object.values(contract).map((c) => c.input));
    expect(fields.size).toBeGreaterThan(50);
    for (const field of fields)
      if (field !== 'value') {
        expect(names[field], `${language} ${field}`).toEqual(expect.any(String));
        if (language === 'zh-CN') expect(names[field], field).toMatch(han);
      }
  });

  it('units are written as Chinese clinicians write them', () => {
    expect(zhCN.unitName['mg/day']).toBe('mg/天');
    expect(zhCN.unitName['mcg/day']).toBe('μg/天');
    expect(zhCN.unitName['mL/day']).toBe('mL/天');
    expect(Object.keys(zhCN.unitName).sort()).toEqual(Object.keys(en.unitName).sort());
  });
});
