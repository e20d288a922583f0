import * as z from 'zod';
import { PumpEventSchema, PumpStatusSchema, LinkKindSchema, WandStatusSchema } from '../pump';
import { resultSchema, type Result } from '../result';
import type { Channel } from './channels';
import { DrugLibrarySchema } from '../library/schema';
import { ClockWarningSchema } from '../clock-warnings';
import { NamedMessageSchema } from './primitives';
import {
  AuditFilterSchema,
  AuditPageSchema,
  AuditRecordSchema,
  AuditVerifySchema,
  SessionFramesSchema,
} from './audit-schemas';
import {
  AuthStatusSchema,
  CredentialsSchema,
  NewUserSchema,
  PatientDetailSchema,
  PatientInputSchema,
  PrescriptionInputSchema,
  PrescriptionSchema,
  PatientSchema,
  ForecastSchema,
  SystemicOpioidRecordSchema,
  PumpRegistrationSchema,
  ScreeningInputSchema,
  SettingsSchema,
  UserSchema,
} from './schemas';
import { ProgramApplySchema, ProgramChangeSchema, ProgramOutcomeSchema, ProgramPreviewSchema } from './program-schemas';
import {
  RefillInputSchema,
  RefillPreviewInputSchema,
  RefillPreviewSchema,
  RefillReportSchema,
  VisitCheckSchema,
  PumpReviewSchema,
} from './refill-schemas';
import { BolusDeliverSchema, BolusOutcomeSchema, BolusPreviewSchema, BolusRequestSchema } from './program-schemas';

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
  /**
   * Bookkeeping still owed after a failure (an outcome not on disk, the audit trail not signed):
   * alarmed until done. Each item names a message of core/message-table.ts (`bookkeeping…`) and
   * its values, said in the user's language.
   */
  bookkeeping: z.array(NamedMessageSchema).min(1).optional(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const InterrogationRecordSchema = z.strictObject({
  id: z.number().int().positive(),
  /** When the record was committed to the database (ISO 8601 UTC). */
  recordedAt: z.iso.datetime(),
  link: LinkKindSchema,
  status: PumpStatusSchema,
  /** Pump clock minus computer clock at the reading, in seconds. */
  /** Null for a pump without a clock. */
  clockDriftSeconds: z.number().int().nullable(),
  /** The pump's clock against the clinic's time zone at the reading (`core/clock-warnings.ts`); set on a fresh interrogation. */
  clockWarnings: z.array(ClockWarningSchema).optional(),
  /** The refill forecast from this reading (the dashboard's); absent where no forecast applies. */
  forecast: ForecastSchema.nullable().optional(),
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
    output: z.array(
      z.strictObject({
        sessionId: z.string(),
        pumpSerial: z.string(),
        startedAt: z.string(),
        actor: z.string(),
        outcome: z.enum(['pending', 'unconfirmed']),
      }),
    ),
  },
  'sessions:resolve': {
    input: Empty,
    output: z.array(z.strictObject({ sessionId: z.string(), outcome: z.enum(['confirmed', 'rejected']) })),
  },
  'auth:status': { input: Empty, output: AuthStatusSchema },
  /** First run only: creates the administrator and signs them in. */
  'auth:setup': {
    input: z.strictObject({
      username: z.string().trim().min(1).max(40),
      displayName: z.string().trim().min(1).max(100),
      password: z.string().min(1).max(200),
    }),
    output: UserSchema,
  },
  'auth:signIn': { input: CredentialsSchema, output: UserSchema },
  'auth:signOut': { input: Empty, output: z.null() },
  'auth:lock': { input: Empty, output: z.null() },
  /** The signed-in user chooses a new password (the current one is checked as at sign-in; neither is recorded). */
  'auth:changePassword': {
    input: z.strictObject({ password: z.string().min(1).max(200), newPassword: z.string().min(1).max(200) }),
    output: z.null(),
  },
  'patients:search': {
    input: z.strictObject({ query: z.string().trim().max(100).default('') }),
    output: z.array(PatientSchema),
  },
  'patients:create': { input: PatientInputSchema, output: z.strictObject({ id: z.number().int() }) },
  'patients:get': { input: z.strictObject({ id: z.number().int().positive() }), output: PatientDetailSchema },
  /** A systemic opioid on the patient's record (physicians and nurses). */
  'opioids:record': { input: SystemicOpioidRecordSchema, output: z.strictObject({ id: z.number().int() }) },
  /** The date a systemic opioid was stopped. */
  'opioids:stop': {
    input: z.strictObject({
      patientId: z.number().int().positive(),
      id: z.number().int().positive(),
      stopDate: z.iso.date(),
    }),
    output: z.null(),
  },
  /** Pumps whose last confirmed program is a stop: on this list until they run again. */
  'pumps:stopped': {
    input: Empty,
    output: z.array(
      z.strictObject({
        pumpSerial: z.string(),
        stoppedAt: z.string(),
        stoppedBy: z.string(),
        drug: z.string(),
        reason: z.string().nullable(),
        patient: PatientSchema.nullable(),
      }),
    ),
  },
  /** The patient the pump is registered to, or null. */
  'patients:forPump': {
    input: z.strictObject({ serial: z.string().min(1).max(32) }),
    output: PatientSchema.nullable(),
  },
  /** A physician's order (physicians only). */
  'prescriptions:create': { input: PrescriptionInputSchema, output: z.strictObject({ id: z.number().int() }) },
  /** The open orders for the pump's patient (for this pump or for no particular pump), newest first. */
  'prescriptions:open': {
    input: z.strictObject({ serial: z.string().min(1).max(32) }),
    output: z.array(PrescriptionSchema),
  },
  'prescriptions:cancel': {
    input: z.strictObject({ id: z.number().int().positive(), reason: z.string().trim().min(1).max(500) }),
    output: z.null(),
  },
  'pain:record': {
    input: z.strictObject({
      patientId: z.number().int().positive(),
      vas: z.number().int().min(0).max(10),
      note: z.string().trim().max(500).optional(),
    }),
    output: z.strictObject({ id: z.number().int() }),
  },
  'screening:record': { input: ScreeningInputSchema, output: z.strictObject({ id: z.number().int() }) },
  'pumps:register': { input: PumpRegistrationSchema, output: z.strictObject({ id: z.number().int() }) },
  'pump:setClock': {
    input: Empty,
    output: z.strictObject({ driftBefore: z.number().int().nullable(), driftAfter: z.number().int() }),
  },
  'pump:alarmTest': { input: Empty, output: z.null() },
  /** The pump's own event log, oldest first. */
  'pump:events': { input: Empty, output: z.array(PumpEventSchema) },
  /** The Finish screen's content for a dose or mode change; nothing is sent. */
  'program:preview': { input: ProgramChangeSchema, output: ProgramPreviewSchema },
  'program:apply': { input: ProgramApplySchema, output: ProgramOutcomeSchema },
  /** A single or priming bolus through the wand, reviewed against the drug library with the pump's history; nothing is sent. */
  'bolus:preview': { input: BolusRequestSchema, output: BolusPreviewSchema },
  /** Gives the reviewed bolus: witnessed, recorded before it is sent, read back; the answer says what the pump did. */
  'bolus:deliver': { input: BolusDeliverSchema, output: BolusOutcomeSchema },
  'refill:preview': { input: RefillPreviewInputSchema, output: RefillPreviewSchema },
  'refill:perform': { input: RefillInputSchema, output: RefillReportSchema },
  /** The refill-only visit: reads the pump and decides whether the order can be done without changing the therapy. */
  'refill:visitCheck': {
    input: z.strictObject({ prescriptionId: z.number().int().positive() }),
    output: VisitCheckSchema,
  },
  /** Pumps a flagged refill discrepancy put on the physician's review list, oldest first. */
  'reviews:list': { input: Empty, output: z.array(PumpReviewSchema) },
  /** A physician clears a review with a note (audited). */
  'reviews:clear': {
    input: z.strictObject({ id: z.number().int().positive(), note: z.string().trim().min(3).max(1000) }),
    output: z.null(),
  },
  /** The page as it prints (the report and patient card), saved as a PDF where the user chooses: the desktop app only. */
  'report:pdf': {
    input: z.strictObject({
      fileName: z
        .string()
        .trim()
        .regex(/^[\w.-]{1,100}\.pdf$/, 'a file name such as refill-report.pdf'),
    }),
    output: z.strictObject({ savedTo: z.string().nullable() }),
  },
  'audit:list': {
    input: z.strictObject({
      filter: AuditFilterSchema.default({}),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    output: AuditPageSchema,
  },
  /** One record in full, for its details. */
  'audit:record': { input: z.strictObject({ seq: z.number().int().positive() }), output: AuditRecordSchema },
  /** The raw frames of the programming session a record belongs to (support view); null for other records. */
  'audit:frames': {
    input: z.strictObject({ seq: z.number().int().positive() }),
    output: SessionFramesSchema.nullable(),
  },
  'audit:verify': { input: Empty, output: AuditVerifySchema },
  /** The whole trail as a file readable without the app (the export itself is recorded first). */
  'audit:export': {
    input: z.strictObject({ format: z.enum(['csv', 'json', 'fhir']) }),
    output: z.strictObject({ fileName: z.string(), mediaType: z.string(), content: z.string() }),
  },
  'users:list': { input: Empty, output: z.array(UserSchema.extend({ disabled: z.boolean() })) },
  'users:create': { input: NewUserSchema, output: UserSchema },
  'users:setDisabled': {
    input: z.strictObject({ username: z.string().trim().min(1).max(40), disabled: z.boolean() }),
    output: z.null(),
  },
  /** A new password set by the administrator (the password is never recorded). */
  'users:resetPassword': {
    input: z.strictObject({ username: z.string().trim().min(1).max(40), password: z.string().min(1).max(200) }),
    output: z.null(),
  },
  'settings:get': { input: Empty, output: SettingsSchema },
  'settings:update': { input: SettingsSchema.partial(), output: SettingsSchema },
  'library:get': { input: Empty, output: z.strictObject({ library: DrugLibrarySchema, hash: z.string() }) },
  /** Saves the edited library as its next version (unconfirmed until a pharmacist confirms). */
  'library:save': {
    input: z.strictObject({ library: DrugLibrarySchema }),
    output: z.strictObject({ version: z.number().int(), hash: z.string() }),
  },
  'library:confirm': { input: z.strictObject({ version: z.number().int().positive() }), output: z.null() },
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
