import type { z } from 'zod';
import { DrugLibrarySchema, type DrugLibrary } from './schema';
import { fentanyl, hydromorphone, morphine, sufentanil } from './defaults-opioids';
import { bupivacaine, clonidine, ziconotide } from './defaults-adjuvants';
import { baclofen } from './defaults-baclofen';

// Each drug's figures, with their sources, are in the file of its class: defaults-opioids.ts,
// defaults-baclofen.ts, defaults-adjuvants.ts; the sources and shared figures in defaults-sources.ts.

/**
 * The built-in default drug library. Every figure names its source; none is for clinical use
 * until a pharmacist has confirmed it (`confirmedBy`). A site replaces it with its own.
 */
const defaults: z.input<typeof DrugLibrarySchema> = {
  name: 'Built-in defaults',
  version: 1,
  confirmedBy: null,
  entries: [morphine, hydromorphone, fentanyl, sufentanil, ziconotide, baclofen, bupivacaine, clonidine],
};

/** Parsed through the same schema as a site's file, so the defaults obey every rule a site's must. */
export const defaultLibrary: DrugLibrary = DrugLibrarySchema.parse(defaults);
