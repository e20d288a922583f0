/**
 * The channel list of the API contract, kept free of any dependency so that the preload script
 * can build its bridge from it without pulling schemas into the sandboxed preload bundle.
 * Names are `area:verb`. Adding a channel here without a schema in `contract.ts` fails to compile.
 */
export const channels = [
  'app:info',
  'pump:interrogate',
  'interrogations:list',
  'wand:status',
  'sessions:unconfirmed',
  'sessions:resolve',
  'auth:status',
  'auth:setup',
  'auth:signIn',
  'auth:signOut',
  'auth:lock',
  'auth:changePassword',
  'patients:search',
  'patients:create',
  'patients:get',
  'patients:forPump',
  'prescriptions:create',
  'prescriptions:open',
  'prescriptions:cancel',
  'pain:record',
  'opioids:record',
  'opioids:stop',
  'screening:record',
  'pumps:register',
  'pumps:stopped',
  'pump:setClock',
  'pump:alarmTest',
  'pump:events',
  'program:preview',
  'program:apply',
  'bolus:preview',
  'bolus:deliver',
  'refill:preview',
  'refill:perform',
  'refill:visitCheck',
  'reviews:list',
  'reviews:clear',
  'report:pdf',
  'audit:list',
  'audit:record',
  'audit:frames',
  'audit:verify',
  'audit:export',
  'users:list',
  'users:create',
  'users:setDisabled',
  'users:resetPassword',
  'settings:get',
  'settings:update',
  'library:get',
  'library:save',
  'library:confirm',
] as const;
/**
 * The channels that may send a command to the pump (not only read it). A failure the service did
 * not foresee on one of these must never be answered with "nothing was sent": the command may have
 * reached the pump before it (services/dispatch.ts).
 */
export const PUMP_COMMAND_CHANNELS = [
  'program:apply',
  'bolus:deliver',
  'refill:perform',
  'pump:setClock',
  'pump:alarmTest',
  'sessions:resolve',
] as const satisfies readonly (typeof channels)[number][];

export type Channel = (typeof channels)[number];

export const isChannel = (name: unknown): name is Channel =>
  typeof name === 'string' && (channels as readonly string[]).includes(name);

/** Splits `area:verb` for the namespaced API object (`api.pump.interrogate(...)`). */
export const splitChannel = (channel: Channel): [string, string] => {
  const [area = '', verb = ''] = channel.split(':');
  return [area, verb];
};

/** The largest request payload any host accepts, in bytes of JSON. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
