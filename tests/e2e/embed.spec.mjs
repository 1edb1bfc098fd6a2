// The iframe embed: same commands in and events out over postMessage, and
// only with the origins the embed was given.
import { test, expect } from '@playwright/test';
import { ORIGIN, LOCALHOST_ORIGIN } from './helpers.mjs';

const EMBED = `${ORIGIN}/embed.html`;

/** The test host page on `hostOrigin`, framing the embed with `query`. */
const host = (hostOrigin, query) => `${hostOrigin}/__tests/host.html?embed=${encodeURIComponent(`${EMBED}?${query}`)}`;

test('postMessage round trip from an allowed origin', async ({ page }) => {
  // localhost and 127.0.0.1 are different origins on the same test server.
  await page.goto(host(LOCALHOST_ORIGIN, `origins=${LOCALHOST_ORIGIN}&lang=es`));
  await expect.poll(() => page.evaluate(() => window.events.some((e) => e.name === 'ready')), { timeout: 20_000 }).toBe(true);
  await page.evaluate(() => window.send(1, 'loadImage', ['/__photos/front-shaved-dark-01.jpg']));
  await expect.poll(() => page.evaluate(() => window.results[1]), { timeout: 20_000 }).toBeTruthy();
  const loaded = await page.evaluate(() => window.results[1]);
  expect(loaded.ok).toBe(true);
  expect(loaded.result).toEqual({ width: 450, height: 550 });
  await page.evaluate(() => window.send(2, 'getDesign', []));
  await expect.poll(() => page.evaluate(() => window.results[2])).toBeTruthy();
  const design = (await page.evaluate(() => window.results[2])).result;
  expect(design.version).toBe(1);
  await page.evaluate((d) => window.send(3, 'setDesign', [{ ...d, density: 95 }]), design);
  await expect.poll(() => page.evaluate(() => window.results[3]?.ok)).toBe(true);
  await expect.poll(() => page.evaluate(() => window.events.filter((e) => e.name === 'design-change').map((e) => e.detail.density).pop())).toBe(95);
  // A bad design comes back as an error message, and the design is unchanged.
  await page.evaluate((d) => window.send(4, 'setDesign', [{ ...d, density: 999 }]), design);
  await expect.poll(() => page.evaluate(() => window.results[4])).toBeTruthy();
  const bad = await page.evaluate(() => window.results[4]);
  expect(bad.ok).toBe(false);
  expect(bad.error.message).toMatch(/density/);
  await page.evaluate(() => window.send(5, 'getDesign', []));
  await expect.poll(() => page.evaluate(() => window.results[5]?.result?.density)).toBe(95);
  // The full-resolution export crosses as a Blob.
  await page.evaluate(() => window.send(6, 'toBlob', [{ type: 'image/png' }]));
  await expect.poll(() => page.evaluate(() => window.results[6]), { timeout: 20_000 }).toBeTruthy();
  expect(await page.evaluate(() => window.results[6].result instanceof Blob && window.results[6].result.type)).toBe('image/png');
  // Events only ever came from the embed's origin; the Spanish UI is in the frame.
  expect(await page.evaluate((origin) => window.events.every((e) => e.origin === origin), ORIGIN)).toBe(true);
  const frame = page.frameLocator('#f');
  await expect(frame.locator('hairline-visualizer .hv-title')).toHaveText('Vista previa de la línea del cabello');
});

test('commands from an origin that is not allowed are ignored, and no events go to it', async ({ page }) => {
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  // The embed trusts only https://clinic.example; this host is not it.
  await page.goto(host(LOCALHOST_ORIGIN, 'origins=https://clinic.example'));
  const frame = page.frameLocator('#f');
  await expect(frame.locator('hairline-visualizer .hv-title')).toHaveText('Hairline preview');
  await page.waitForTimeout(1500); // time for a ready event, which must not arrive
  await page.evaluate(() => window.send(1, 'getDesign', []));
  await expect.poll(() => warnings.some((w) => /rejected/.test(w))).toBe(true);
  expect(await page.evaluate(() => window.results[1] ?? null)).toBeNull();
  expect(await page.evaluate(() => window.events.length)).toBe(0);
});
