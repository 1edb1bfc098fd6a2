// Invalid attribute values: an unknown language falls back to English, a
// non-numeric max-megapixels is ignored with a console warning (and the
// 16 MP default still applies), and a clinic name full of markup is shown as
// text on a page without any CSP to save it.
import { test, expect } from '@playwright/test';

const PAGE = '/__tests/attributes.html';

/** Console warnings and errors, dialogs and page errors. */
function watch(page) {
  const seen = { warnings: [], errors: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() === 'warning') seen.warnings.push(m.text());
    if (m.type() === 'error') seen.errors.push(m.text());
  });
  page.on('pageerror', (e) => seen.errors.push(e.message));
  page.on('dialog', (d) => {
    seen.dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  return seen;
}

test('lang="xx" falls back to English, also after switching from Spanish', async ({ page }) => {
  const seen = watch(page);
  await page.goto(PAGE);
  const xx = page.locator('#xx');
  await expect(xx.locator('.hv-title')).toHaveText('Hairline preview');
  await expect(xx.locator('.hv-chip[data-style="natural"]')).toHaveText(/\S/);
  await xx.evaluate((el) => el.setAttribute('lang', 'es'));
  await expect(xx.locator('.hv-title')).toHaveText('Vista previa de la línea del cabello');
  await xx.evaluate((el) => el.setAttribute('lang', 'xx'));
  await expect(xx.locator('.hv-title')).toHaveText('Hairline preview');
  // Every visible string is English again, none undefined.
  const texts = await xx.evaluate((el) => [...el.shadowRoot.querySelectorAll('button, label, legend, h2, h3')].map((n) => n.textContent));
  expect(texts.filter((t) => /undefined|null/.test(t))).toEqual([]);
  expect(texts).toContain('Remove photo');
  // And it works: a photo loads with English messages.
  const status = await xx.evaluate(async (el) => {
    await el.loadImage('/__photos/front-shaved-dark-01.jpg');
    return el.shadowRoot.querySelector('.hv-status').textContent;
  });
  expect(status).toBe('Size is estimated. Tap “Tap pupils” for true millimetres.');
  expect(seen.errors).toEqual([]);
});

test('max-megapixels="abc" is ignored with a console warning; the 16 MP default still applies', async ({ page }) => {
  const seen = watch(page);
  await page.goto(PAGE);
  await expect(page.locator('#xx .hv-title')).toHaveText('Hairline preview');
  expect(seen.warnings.filter((w) => w.includes('max-megapixels="abc" ignored'))).toHaveLength(1);
  // A 20 MP photo is still scaled down to at most 16 MP (NaN must not disable the cap).
  const size = await page.locator('#xx').evaluate(async (el) => {
    const c = new OffscreenCanvas(5000, 4000);
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#c08a6a';
    ctx.fillRect(0, 0, 5000, 4000);
    return el.loadImage(await c.convertToBlob({ type: 'image/jpeg', quality: 0.6 }));
  });
  expect(size.width * size.height).toBeLessThanOrEqual(16_000_000);
  expect(size.width * size.height).toBeGreaterThan(15_500_000);
  expect(Math.abs(size.width / size.height - 1.25)).toBeLessThan(0.002);
  // Other out-of-range values warn too, and a good one does not.
  await page.locator('#xx').evaluate((el) => {
    el.setAttribute('max-megapixels', '0');
    el.setAttribute('max-megapixels', '65');
    el.setAttribute('max-megapixels', '8');
  });
  expect(seen.warnings.filter((w) => /max-megapixels="(0|65)" ignored/.test(w))).toHaveLength(2);
  expect(seen.warnings.filter((w) => w.includes('max-megapixels="8"'))).toEqual([]);
  expect(seen.errors).toEqual([]);
});

test('clinic-name with markup and script is shown literally; nothing runs', async ({ page }) => {
  const seen = watch(page);
  await page.goto(PAGE);
  const clinic = page.locator('#inject .hv-clinic');
  const text = '<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2;alert(2)</script><b>Bold</b> Clinic';
  await expect(clinic).toHaveText(text);
  // Set at run time too (attributeChangedCallback), with another payload.
  const later = '<svg onload="alert(3)"></svg><iframe src="javascript:alert(4)"></iframe>';
  await page.locator('#inject').evaluate((el, v) => el.setAttribute('clinic-name', v), later);
  await expect(clinic).toHaveText(later);
  await page.waitForTimeout(200); // give any injected handler a chance to run
  const r = await page.evaluate(() => {
    const root = document.getElementById('inject').shadowRoot;
    return {
      injected: root.querySelectorAll('script, img, iframe, b, .hv-clinic svg').length,
      clinicChildren: [...root.querySelector('.hv-clinic').childNodes].map((n) => n.nodeType),
      pwned: window.__pwned ?? null,
      pageImgs: document.querySelectorAll('img').length,
    };
  });
  expect(r).toEqual({ injected: 0, clinicChildren: [3], pwned: null, pageImgs: 0 });
  expect(seen.dialogs).toEqual([]);
  expect(seen.errors).toEqual([]);
});
