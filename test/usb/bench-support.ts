// Shared by the kernel bench's modules: the console protocol and the checks.

export type Json = Record<string, unknown>;
export const emit = (tag: 'CASE' | 'FIGURE' | 'INFO', body: Json): void => {
  process.stdout.write(`@@${tag} ${JSON.stringify(body)}\n`);
};
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Waits for `p` at most `ms`; what is left of it goes on unobserved. */
export const withTimeout = (p: Promise<unknown>, ms: number) => Promise.race([p.catch(() => undefined), sleep(ms)]);
export const APP = __dirname;

export class Failed extends Error {}
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Failed(message);
}
