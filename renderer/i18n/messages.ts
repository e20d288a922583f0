import type { en } from './en';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
/** Every language has exactly the keys of the English messages (checked by the compiler). */
export type Messages = Widen<typeof en>;
