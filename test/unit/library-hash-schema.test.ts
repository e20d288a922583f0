import { describe, expect, it } from 'vitest';
import { defaultLibrary } from '../../core/library/defaults';
import { canonicalJson, libraryHash } from '../../core/library/hash';
import { DrugLibrarySchema, libraryRules } from '../../core/library/schema';

// A library file: its content hash (core/library/hash.ts) and the rules its schema holds an edit to (core/library/schema.ts).

describe('library content hash', () => {
  it('does not depend on key order but changes with any figure', () => {
    const reordered = JSON.parse(
      JSON.stringify(defaultLibrary, Object.keys(defaultLibrary).reverse()),
    ) as typeof defaultLibrary;
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: 2 }] })).toBe('{"a":[2,{"c":2,"d":1}],"b":1}');
    expect(libraryHash({ ...reordered, entries: defaultLibrary.entries })).toBe(libraryHash(defaultLibrary));
    const edited = DrugLibrarySchema.parse(JSON.parse(JSON.stringify(defaultLibrary).replace('"19.2"', '"19.3"')));
    expect(libraryHash(edited)).not.toBe(libraryHash(defaultLibrary));
  });

  it('refuses a library file with an unknown field or a bound without threshold', () => {
    expect(DrugLibrarySchema.safeParse({ ...defaultLibrary, extra: 1 }).success).toBe(false);
    const entry = { drug: 'morphine', unit: 'mg', dailyDose: { max: { source: 'x' } } };
    expect(DrugLibrarySchema.safeParse({ name: 'x', version: 1, entries: [entry] }).success).toBe(false);
  });
});

describe('an edited library', () => {
  const edit = (change: (entries: Array<Record<string, unknown>>) => void) => {
    const copy = JSON.parse(JSON.stringify(defaultLibrary)) as { entries: Array<Record<string, unknown>> };
    change(copy.entries);
    return DrugLibrarySchema.safeParse(copy);
  };
  const messages = (r: ReturnType<typeof edit>) => (r.success ? [] : r.error.issues.map((i) => i.message));

  it('refuses a soft maximum above its hard maximum, and a soft minimum below its hard minimum (compared as decimals)', () => {
    // 30 > 25 is caught; "9.5" < "25" as decimals although "9.5" > "25" as text.
    expect(
      messages(edit((e) => ((e[0] as { dailyDose: { max: { soft: string } } }).dailyDose.max.soft = '30'))),
    ).toContain(libraryRules.softAboveHard);
    expect(edit((e) => ((e[0] as { dailyDose: { max: { soft: string } } }).dailyDose.max.soft = '9.5')).success).toBe(
      true,
    );
    const baclofen = (e: Array<Record<string, unknown>>) =>
      e.find((x) => x.drug === 'baclofen') as { concentrationMin: { soft?: string; hard?: string; source: string } };
    expect(
      messages(edit((e) => (baclofen(e).concentrationMin = { soft: '40', hard: '50', source: 'site' }))),
    ).toContain(libraryRules.softBelowHard);
  });

  it('refuses a first fill stable longer than any fill, an undiluted product stable shorter, and a drug listed twice', () => {
    const zico = (e: Array<Record<string, unknown>>) =>
      e.find((x) => x.drug === 'ziconotide') as {
        stabilityDays: { days: number; firstFillDays?: number; undilutedDays?: number };
      };
    expect(messages(edit((e) => (zico(e).stabilityDays.firstFillDays = 60)))).toContain(libraryRules.firstFillLonger);
    expect(messages(edit((e) => (zico(e).stabilityDays.undilutedDays = 20)))).toContain(libraryRules.undilutedShorter);
    expect(messages(edit((e) => e.push({ ...e[0] })))).toContain(libraryRules.duplicateDrug);
  });
});
