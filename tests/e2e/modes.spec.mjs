// Treatment modes, the buzz cut and the scar brush, as a visitor uses them.
import { test, expect } from '@playwright/test';

test('mode, buzz cut and scar brush change the design and the picture', async ({ page }) => {
  await page.goto('/');
  const hv = 'hairline-visualizer';
  await page.evaluate(async () => {
    const el = document.querySelector('hairline-visualizer');
    el.setAttribute('auto-place', 'off');
    await el.loadImage('/__photos/front-receding-dark-01.jpg');
    el.setCalibration({ leftPupil: { x: 144, y: 221 }, rightPupil: { x: 251, y: 211.5 } });
    el.setDesign({ ...el.getDesign(), height_mm: 65 });
  });
  const dots = () => page.evaluate(() => new Promise((res) => document.querySelector('hairline-visualizer')
    .addEventListener('render', (e) => res(e.detail.dots), { once: true })));
  const base = await page.evaluate(async () => (await import('/hv/test-hook.js')).testHook(document.querySelector('hairline-visualizer')).core().visibleDots().length / 4);
  // Full shaved head: dots over the short hair too, so more of them.
  let next = dots();
  await page.selectOption(`${hv} #hv-mode`, 'full');
  const full = await next;
  expect(full).toBeGreaterThan(base + 500);
  expect((await page.evaluate(() => document.querySelector('hairline-visualizer').getDesign())).mode).toBe('full');
  // Buzz cut: the hair region is toned towards skin, so the export is lighter there.
  const mean = () => page.evaluate(async () => {
    const el = document.querySelector('hairline-visualizer');
    const bmp = await createImageBitmap(await el.toBlob());
    const c = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d');
    c.drawImage(bmp, 0, 0);
    const d = c.getImageData(200, 55, 40, 15).data; // the short hair at the top of the head
    let s = 0;
    for (let i = 0; i < d.length; i += 4) s += d[i] + d[i + 1] + d[i + 2];
    return s / (d.length / 4) / 3;
  });
  const before = await mean();
  await page.locator(`${hv} #hv-buzz`).check();
  expect((await page.evaluate(() => document.querySelector('hairline-visualizer').getDesign())).buzz_cut).toBe(true);
  const after = await mean();
  expect(after).toBeGreaterThan(before + 15);
  // Thinning: only where skin shows; fewer dots than full.
  next = dots();
  await page.selectOption(`${hv} #hv-mode`, 'thinning');
  expect(await next).toBeLessThan(full);
  // The scar brush records a scar zone.
  await page.locator(`${hv} .hv-chip[data-mode="scar"]`).click();
  const box = await page.locator(`${hv} canvas`).boundingBox();
  // Over the temple, away from the handles.
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.33, box.y + box.height * 0.3, { steps: 4 });
  await page.mouse.up();
  const zones = (await page.evaluate(() => document.querySelector('hairline-visualizer').getDesign())).zones;
  expect(zones.at(-1).mode).toBe('scar');
  expect(zones.at(-1).points.length).toBeGreaterThan(1);
});

test('the remaining hair colour moves the suggested shade until the visitor picks one', async ({ page }) => {
  await page.goto('/');
  const hv = 'hairline-visualizer';
  await page.evaluate(async () => {
    const el = document.querySelector('hairline-visualizer');
    el.setAttribute('auto-place', 'off');
    await el.loadImage('/__photos/front-receding-medium-01.jpg');
  });
  const design = () => page.evaluate(() => document.querySelector('hairline-visualizer').getDesign());
  const order = ['I', 'II', 'III', 'IV', 'V', 'VI'];
  const bySkin = (await design()).shade;
  expect((await design()).hair).toBe('dark');
  expect(order.indexOf(bySkin)).toBeGreaterThan(1);
  // Grey hair: one step lighter; white: two; shown in the shade picker too.
  await page.selectOption(`${hv} #hv-hair`, 'grey');
  expect(await design()).toMatchObject({ hair: 'grey', shade: order[order.indexOf(bySkin) - 1] });
  await page.selectOption(`${hv} #hv-hair`, 'white');
  expect((await design()).shade).toBe(order[order.indexOf(bySkin) - 2]);
  await expect(page.locator(`${hv} #hv-shade`)).toHaveValue(order[order.indexOf(bySkin) - 2]);
  // Undo steps back through the hair choices.
  await page.locator(`${hv} #hv-shade`).focus();
  await page.keyboard.press('Control+z');
  expect(await design()).toMatchObject({ hair: 'grey', shade: order[order.indexOf(bySkin) - 1] });
  // Once the visitor picks a shade, the hair colour no longer overrides it.
  await page.selectOption(`${hv} #hv-shade`, 'VI');
  await page.selectOption(`${hv} #hv-hair`, 'white');
  expect(await design()).toMatchObject({ hair: 'white', shade: 'VI' });
});
