// Playwright end-to-end tests. Uses Debian's Chromium; never downloads a browser.
import { defineConfig } from '@playwright/test';

// HV_E2E_PORT moves the test server, so two checkouts (main and a
// worktree) can run their tests at the same time (tests/e2e/helpers.mjs
// reads it too).
const PORT = Number(process.env.HV_E2E_PORT || 8137);
const BASE_URL = `http://127.0.0.1:${PORT}`;

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: /.*\.spec\.m?js$/,
  outputDir: 'target/playwright',
  workers: 1, // CI has 2 cores and the browser is heavy
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  // The 2 cores are shared with other builds: a first photo (workers
  // starting, the dot field made) can take over 5 s to show there.
  expect: { timeout: 15_000 },
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  use: {
    baseURL: BASE_URL,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
  webServer: {
    command: `node tools/serve.mjs --root www --port ${PORT}`,
    env: { SERVE_TEST_PHOTOS: '1' },
    url: `${BASE_URL}/`,
    // Never another checkout's server: a busy port is an error, not a
    // silent test of someone else's www/.
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
