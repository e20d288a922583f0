// The Chromium that the browser tests and the renderer benchmarks drive, found in one place:
// PUMP_BROWSER when set, then Debian's Chromium, then Playwright's own (launched by its path, so a
// full Chromium serves even where its separate headless shell is not installed).
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const NO_BROWSER =
  'No Chromium for the browser tests: install one (Debian: apt-get install chromium fonts-wqy-microhei faketime) or set PUMP_BROWSER to its path.';

/** The browser's path, or undefined when there is none (a PUMP_BROWSER that does not exist counts as none). */
export function findBrowser() {
  const fromEnv = process.env['PUMP_BROWSER'];
  if (fromEnv !== undefined && fromEnv !== '') return existsSync(fromEnv) ? fromEnv : undefined;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  try {
    const own = chromium.executablePath();
    if (own !== '' && existsSync(own)) return own;
  } catch {
    // No Playwright browser for this platform.
  }
  return undefined;
}
