import type * as z from 'zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  out?: z.ZodType;
  valueType?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
  items?: z.ZodType[];
  getter?: () => z.ZodType;
}

/** Every property name of the objects inside the schemas: the fields a validation error may name. */
export function inputFieldNames(schemas: z.ZodType[]): Set<string> {
  const names = new Set<string>();
  const seen = new Set<z.ZodType>();
  const walk = (schema: z.ZodType | undefined): void => {
    if (schema === undefined || seen.has(schema)) return;
    seen.add(schema);
    const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
    if (def.shape !== undefined)
      for (const [name, inner] of Object.entries(def.shape)) {
        names.add(name);
        walk(inner);
      }
    for (const inner of [def.innerType, def.element, def.in, def.out, def.valueType, def.left, def.right]) walk(inner);
    for (const inner of [...(def.options ?? []), ...(def.items ?? [])]) walk(inner);
    if (def.type === 'lazy' && def.getter !== undefined) walk(def.getter());
  };
  for (const s of schemas) walk(s);
  return names;
}
