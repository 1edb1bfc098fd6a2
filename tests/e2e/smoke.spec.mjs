// Smoke test: the page loads, has a title and logs no console errors.
import { test, expect } from '@playwright/test';

// Chromium asks for /favicon.ico on its own (whether it does before the test
// ends is a matter of timing); a missing favicon is not a page error.
const isFavicon = (url) => new URL(url).pathname === '/favicon.ico';

test('index page loads without console errors', async ({ page }) => {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const url = msg.location()?.url;
    if (url && isFavicon(url)) return;
    errors.push(`console.error: ${msg.text()}${url ? ` (${url})` : ''}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => {
    if (!isFavicon(req.url())) errors.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !isFavicon(res.url())) errors.push(`HTTP ${res.status()}: ${res.url()}`);
  });

  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await page.waitForLoadState('load');

  const title = await page.title();
  expect(title.trim()).not.toBe('');
  expect(errors).toEqual([]);
});
