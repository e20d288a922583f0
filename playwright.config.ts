import { defineConfig } from '@playwright/test';
import { findBrowser, NO_BROWSER } from './scripts/browser.mjs';

const executablePath = findBrowser();
if (executablePath === undefined) {
  process.stderr.write(`${NO_BROWSER}\n`);
  process.exit(1);
}

export default defineConfig({
  testDir: 'test/e2e',
  globalSetup: './test/e2e/global-setup.ts',
  outputDir: 'test-results',
  fullyParallel: false,
  // Two spec files at a time, each with its own web host and database: most of a browser test is
  // waiting (for the host's password checks, the simulated wand, the page). Tests within a spec
  // run in order on their spec's host.
  workers: 2,
  forbidOnly: true,
  retries: 0,
  timeout: 90_000,
  // Generous for slow or busy machines: each wand exchange in training mode is a real round trip.
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 860 },
    launchOptions: {
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    trace: 'retain-on-failure',
  },
});
