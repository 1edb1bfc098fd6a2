// A clinic page whose CSS attacks everything (`* { all: unset }`, hidden
// images and canvases, huge fonts, content-box sizing, floats) still shows
// two working, independent widgets; and the widget's CSS does not leak out.
import { test, expect } from '@playwright/test';

test('two widgets work independently on a hostile page', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/__tests/hostile.html');
  const one = page.locator('#one');
  const two = page.locator('#two');
  await expect(one.locator('.hv-title')).toHaveText('Hairline preview');
  await expect(two.locator('.hv-title')).toHaveText('Vista previa de la línea del cabello');
  // The page's 40px fonts and hidden canvases do not reach inside.
  const style = await page.evaluate(() => {
    const el = document.getElementById('one');
    const title = el.shadowRoot.querySelector('.hv-title');
    return {
      title: getComputedStyle(title).fontSize,
      button: getComputedStyle(el.shadowRoot.querySelector('.hv-btn')).fontSize,
      accent: getComputedStyle(el.shadowRoot.querySelector('.hv-primary')).backgroundColor,
      pageH1: getComputedStyle(document.querySelector('h1')).fontSize,
    };
  });
  expect(style.title).toBe('21px');
  expect(style.button).toBe('14px');
  expect(style.accent).toBe('rgb(176, 48, 106)'); // the accent attribute
  expect(style.pageH1).toBe('120px'); // 3rem of the page's 40px: our CSS did not leak

  const r = await page.evaluate(async () => {
    const a = document.getElementById('one');
    const b = document.getElementById('two');
    const wait = (el, name) => new Promise((res) => el.addEventListener(name, (e) => res(e.detail), { once: true }));
    const renderA = wait(a, 'render');
    await a.loadImage('/__photos/front-shaved-dark-01.jpg');
    const ra = await renderA;
    a.setDesign({ ...a.getDesign(), density: 40 });
    // The second widget is below the fold: its core loads with its photo.
    const renderB = wait(b, 'render');
    await b.loadImage('/__photos/front-thinning-light-01.jpg');
    const rb = await renderB;
    const bBefore = b.getDesign();
    const canvasA = a.shadowRoot.querySelector('canvas').getBoundingClientRect();
    return {
      ra, rb, aDensity: a.getDesign().density, bDensity: b.getDesign().density, bStyle: bBefore.style,
      bSize: (await b.toBlob()).size > 0, canvasA: [canvasA.width, canvasA.height],
      calA: a.getCalibration().leftPupil, calB: b.getCalibration().leftPupil,
    };
  });
  expect(r.ra.dots).toBeGreaterThan(0);
  expect(r.rb.dots).toBeGreaterThan(0);
  expect(r.aDensity).toBe(40);
  expect(r.bDensity).toBe(70); // untouched by the other widget
  expect(r.bStyle).toBe('defined'); // default-style attribute
  expect(r.calA).not.toEqual(r.calB);
  expect(r.canvasA[0]).toBeGreaterThan(200); // visible despite `canvas { display: none !important }`
  // Removing one widget frees it; the other keeps working.
  const after = await page.evaluate(async () => {
    const a = document.getElementById('one');
    a.remove();
    const b = document.getElementById('two');
    b.setDesign({ ...b.getDesign(), density: 55 });
    return { freed: (await import('/hv/test-hook.js')).testHook(a).core() === null, density: b.getDesign().density, blob: (await b.toBlob()).size };
  });
  expect(after).toEqual({ freed: true, density: 55, blob: expect.any(Number) });
  expect(errors).toEqual([]);
});

test('phone-sized hostile page: the widget fits without horizontal scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 667 });
  await page.goto('/__tests/hostile.html');
  await page.evaluate(async () => {
    const el = document.getElementById('one');
    await el.loadImage('/__photos/front-receding-light-01.jpg');
  });
  const box = await page.locator('#one').boundingBox();
  expect(box.width).toBeLessThanOrEqual(375);
  const inner = await page.evaluate(() => {
    const root = document.getElementById('one').shadowRoot.querySelector('.hv');
    return root.scrollWidth <= root.clientWidth + 1;
  });
  expect(inner).toBe(true);
  await page.locator('#one').screenshot({ path: 'target/playwright/hostile-phone.png' });
});
