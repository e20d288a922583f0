import * as z from 'zod';
import { PumpStatusSchema, LinkKindSchema, WandStatusSchema } from '../pump';
import { resultSchema, type Result } from '../result';
import type { Channel } from './channels';

export const LinkInfoSchema = z.strictObject({
  kind: LinkKindSchema,
  /** True when the simulated pump is in use: the UI must show the TRAINING banner. */
  training: z.boolean(),
  /** Why the app is in training mode, as a code the UI translates. */
  reason: z.enum(['NO_USB_SUBSYSTEM', 'NO_WAND_ATTACHED', 'SIMULATOR_REQUESTED']).optional(),
});
export type LinkInfo = z.infer<typeof LinkInfoSchema>;

export const AppInfoSchema = z.strictObject({
  version: z.string(),
  host: z.enum(['electron', 'web', 'cli']),
  link: LinkInfoSchema,
  databasePath: z.string(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const InterrogationRecordSchema = z.strictObject({
  id: z.number().int().positive(),
  /** When the record was committed to the database (ISO 8601 UTC). */
  recordedAt: z.iso.datetime(),
  link: LinkKindSchema,
  status: PumpStatusSchema,
  /** Pump clock minus computer clock at the reading, in seconds. */
  clockDriftSeconds: z.number().int(),
});
export type InterrogationRecord = z.infer<typeof InterrogationRecordSchema>;

const Empty = z.strictObject({});

/**
 * The one API contract. Every host (Electron IPC, the web host, tests) parses inputs with these
 * schemas before any service runs, and the renderer's types are inferred from them.
 */
export const contract = {
  'app:info': { input: Empty, output: AppInfoSchema },
  'pump:interrogate': { input: Empty, output: InterrogationRecordSchema },
  'interrogations:list': {
    input: z.strictObject({
      limit: z.number().int().min(1).max(100).default(20),
      serial: z.string().min(1).max(32).optional(),
    }),
    output: z.array(InterrogationRecordSchema),
  },
  'wand:status': { input: Empty, output: WandStatusSchema },
  /** Programming sessions whose outcome is not known: the UI shows them loudly until resolved. */
  'sessions:unconfirmed': {
    input: Empty,
    output: z.array(z.strictObject({ sessionId: z.string(), pumpSerial: z.string(), startedAt: z.string(), actor: z.string(), outcome: z.enum(['pending', 'unconfirmed']) })),
  },
} as const satisfies Record<Channel, { input: z.ZodType; output: z.ZodType }>;

export type Contract = typeof contract;
export type ApiInput<C extends Channel> = z.input<Contract[C]['input']>;
export type ApiParsedInput<C extends Channel> = z.output<Contract[C]['input']>;
export type ApiOutput<C extends Channel> = z.output<Contract[C]['output']>;
export type ApiResult<C extends Channel> = Result<ApiOutput<C>>;

export const resultSchemaFor = <C extends Channel>(channel: C) => resultSchema(contract[channel].output);

/** `pump:interrogate` → `{ pump: { interrogate } }`, the shape both bridges expose. */
type AreaOf<C extends string> = C extends `${infer A}:${string}` ? A : never;
type VerbOf<C extends string, A extends string> = C extends `${A}:${infer V}` ? V : never;
export type PumpApi = {
  [A in AreaOf<Channel>]: {
    [V in VerbOf<Channel, A>]: (input: ApiInput<`${A}:${V}` & Channel>) => Promise<ApiResult<`${A}:${V}` & Channel>>;
  };
};
