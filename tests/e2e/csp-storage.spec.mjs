// Privacy and strict CSP: the demo page and the embed guide are served with
// our strict Content-Security-Policy and a whole visit (photo, automatic
// placement, controls, export) triggers no violation; nothing is left in
// localStorage, sessionStorage, IndexedDB or cookies; "Remove photo" forgets
// the photo.
import { test, expect } from '@playwright/test';
import { CANVAS, FILE_INPUT, HV, SHAVED, photoPath, setRange, watchErrors } from './helpers.mjs';

/** Record CSP violations and widget events from before any page script runs. */
async function recordViolations(page) {
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber} ${e.sample || ''}`);
    }, true);
    window.__hv = [];
    for (const type of ['image-load', 'render', 'auto-place', 'error', 'design-change']) {
      document.addEventListener(type, (e) => {
        if (e.target?.localName === 'hairline-visualizer') window.__hv.push({ type, detail: e.detail && JSON.parse(JSON.stringify(e.detail)) });
      }, true);
    }
  });
}

const seen = (page, type) => page.evaluate((t) => window.__hv.filter((e) => e.type === t).length, type);

/** A visitor's session: photo (file chooser), automatic placement, style, height, look, shade, compare, export. */
async function visit(page) {
  await page.locator(FILE_INPUT).setInputFiles(photoPath(SHAVED.name));
  await expect.poll(() => seen(page, 'image-load'), { message: 'the photo loads' }).toBe(1);
  // Automatic placement fetches the face weights (connect-src) and calibrates.
  await expect.poll(() => page.evaluate(() => window.__hv.filter((e) => e.type === 'auto-place' || e.type === 'error').length),
    { message: 'automatic placement finishes', timeout: 15_000 }).toBeGreaterThan(0);
  await page.locator(`${HV} .hv-chip[data-style="widows-peak"]`).click();
  await setRange(page, `${HV} #hv-height`, 85);
  await page.locator(`${HV} .hv-seg[data-look="fresh"]`).click();
  await page.locator(`${HV} #hv-shade`).selectOption('custom');
  await page.locator(`${HV} .hv-btn.hv-toggle`, { hasText: 'Compare' }).click();
  await page.locator(`${HV} .hv-compare-range`).fill('30');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator(`${HV} .hv-btn`, { hasText: 'Download image' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.png$/);
  expect(await page.evaluate(() => document.querySelector('hairline-visualizer').getDesign())).toMatchObject({ style: 'widows-peak', height_mm: 85, look: 'fresh' });
  await page.evaluate(() => new Promise((r) => setTimeout(r, 100)));
}

for (const url of ['/', '/embed-guide.html']) {
  test(`strict CSP on ${url}: header present, and a whole visit causes no violation`, async ({ page }) => {
    const errors = watchErrors(page);
    await recordViolations(page);
    const res = await page.goto(url);
    const csp = res.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    if (url === '/embed-guide.html') {
      // The guide's own controls re-apply attributes and CSS properties live.
      await page.locator('select[name="lang"]').selectOption('es');
      await page.locator('select[name="lang"]').selectOption('en');
      await page.locator('input[name="clinic-name"]').fill('Another Clinic');
      await page.locator('input[name="--hv-radius"]').fill('4');
    }
    await visit(page);
    expect(await page.evaluate(() => window.__csp)).toEqual([]);
    expect(errors).toEqual([]);
  });
}

test('nothing is stored: no localStorage, sessionStorage, IndexedDB or cookies; "Remove photo" forgets the photo', async ({ page }) => {
  const errors = watchErrors(page);
  await recordViolations(page);
  await page.goto('/');
  await visit(page);
  // The design JSON and the brief are further things a visitor may save.
  await Promise.all([page.waitForEvent('download'), page.locator(`${HV} .hv-btn`, { hasText: 'Save design' }).click()]);
  const stored = await page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    idb: (await indexedDB.databases()).map((d) => d.name),
    cookie: document.cookie,
    caches: 'caches' in window ? await caches.keys() : [],
  }));
  expect(stored).toEqual({ local: 0, session: 0, idb: [], cookie: '', caches: [] });
  expect((await page.context().cookies()).length).toBe(0);

  await expect(page.locator(CANVAS)).toBeVisible();
  await page.locator(`${HV} .hv-btn`, { hasText: 'Remove photo' }).click();
  await expect(page.locator(CANVAS)).toBeHidden();
  expect(await page.evaluate(() => document.querySelector('hairline-visualizer').getCalibration())).toBeNull();
  await expect(page.locator(`${HV} .hv-empty`)).toBeVisible();
  // The photo is gone from the core too: exporting now fails.
  const exported = await page.evaluate(() => document.querySelector('hairline-visualizer').toBlob().then(() => 'resolved', (e) => e.code));
  expect(exported).not.toBe('resolved');
  expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
  expect(errors.filter((e) => !e.startsWith('console.error'))).toEqual([]);
});
