// Phone and touch: at 375×667 with touch, the page does not scroll sideways,
// every hairline handle's hit area is at least 44×44 CSS px, a two-finger
// pinch on the stage zooms the view; reduced motion and dark mode change the
// widget's computed styles.
import { test, expect } from '@playwright/test';
import { HV, STAGE, recordEvents, watchErrors } from './helpers.mjs';

test.use({ viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true });

let errors;
test.beforeEach(async ({ page }) => {
  errors = watchErrors(page);
  await recordEvents(page);
});
test.afterEach(() => expect(errors).toEqual([]));

const load = (page) => page.evaluate(async () => {
  const el = document.querySelector('hairline-visualizer');
  return el.loadImage('/__photos/front-shaved-dark-01.jpg');
});

test('no horizontal scroll; every handle hit circle is at least 44×44 CSS px', async ({ page }) => {
  await page.goto('/');
  await load(page);
  await page.locator(STAGE).scrollIntoViewIfNeeded();
  const widths = await page.evaluate(() => ({
    doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, inner: window.innerWidth,
  }));
  expect(widths.doc).toBeLessThanOrEqual(widths.inner);
  expect(widths.body).toBeLessThanOrEqual(widths.inner);
  const hits = page.locator(`${HV} g[data-point] circle.hv-hit`);
  await expect(hits).toHaveCount(7);
  for (let i = 0; i < 7; i++) {
    const box = await hits.nth(i).boundingBox();
    expect(box, `handle ${i} is laid out`).not.toBeNull();
    expect(box.width, `handle ${i} width`).toBeGreaterThanOrEqual(44);
    expect(box.height, `handle ${i} height`).toBeGreaterThanOrEqual(44);
  }
});

test('a two-finger pinch on the stage zooms the view in', async ({ page }) => {
  await page.goto('/');
  await load(page);
  await page.locator(STAGE).scrollIntoViewIfNeeded();
  const box = await page.locator(STAGE).boundingBox();
  // Pinch around a point on the photo away from the handles (the chin area).
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height * 0.8;
  const zoom = () => page.evaluate(async () => (await import('/hv/test-hook.js')).testHook(document.querySelector('hairline-visualizer')).view().zoom);
  expect(await zoom()).toBe(1);
  const design = await page.evaluate(() => JSON.stringify(document.querySelector('hairline-visualizer').getDesign()));
  const cdp = await page.context().newCDPSession(page);
  const touch = (type, d) => cdp.send('Input.dispatchTouchEvent', {
    type,
    touchPoints: type === 'touchEnd' ? [] : [{ x: cx - d, y: cy, id: 1 }, { x: cx + d, y: cy, id: 2 }],
  });
  await touch('touchStart', 20);
  for (const d of [30, 45, 60, 75, 90]) await touch('touchMove', d);
  await touch('touchEnd', 0);
  await expect.poll(zoom, { message: 'the view zoomed in' }).toBeGreaterThan(2);
  // Pinching moves no hairline point.
  expect(await page.evaluate(() => JSON.stringify(document.querySelector('hairline-visualizer').getDesign()))).toBe(design);
  // And the page itself did not zoom or scroll sideways.
  expect(await page.evaluate(() => [window.visualViewport.scale, document.documentElement.scrollWidth <= window.innerWidth])).toEqual([1, true]);
});

test('prefers-reduced-motion slows the spinner; prefers-color-scheme: dark darkens the widget', async ({ page }) => {
  const styles = () => page.evaluate(() => {
    const root = document.querySelector('hairline-visualizer').shadowRoot;
    return {
      spin: getComputedStyle(root.querySelector('.hv-spinner')).animationDuration,
      bg: getComputedStyle(root.querySelector('.hv')).backgroundColor,
      text: getComputedStyle(root.querySelector('.hv')).color,
    };
  });
  await page.emulateMedia({ reducedMotion: 'no-preference', colorScheme: 'light' });
  await page.goto('/');
  await expect(page.locator(`${HV} .hv-title`)).toHaveText('Hairline preview');
  const light = await styles();
  await page.emulateMedia({ reducedMotion: 'reduce', colorScheme: 'dark' });
  const dark = await styles();
  expect(light.spin).toBe('0.8s');
  expect(parseFloat(dark.spin)).toBeGreaterThan(parseFloat(light.spin));
  expect(dark.bg).not.toBe(light.bg);
  const lum = (c) => c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).reduce((a, b) => a + b, 0) / 3;
  expect(lum(dark.bg)).toBeLessThan(80);
  expect(lum(light.bg)).toBeGreaterThan(180);
  expect(lum(dark.text)).toBeGreaterThan(lum(dark.bg) + 100);
});
