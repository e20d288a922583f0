// The first step of `npm test`: a machine without a browser is told in one line what to install,
// before minutes of type checks and unit tests.
import { findBrowser, NO_BROWSER } from './browser.mjs';

if (findBrowser() === undefined) {
  process.stderr.write(`${NO_BROWSER}\n`);
  process.exitCode = 1;
}
