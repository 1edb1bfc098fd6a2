// "Remove photo" leaves nothing of the photo's session behind: no history
// to undo into, no calibration, no "Found your face" message, no
// warnings; and with no photo, undo, redo, reset and every other control
// do nothing rather than throw. Reset restores the remaining-hair choice.
import { test, expect } from '@playwright/test';
import { HV, MESSAGE, SHAVED, watchErrors } from './helpers.mjs';

let errors;
test.beforeEach(async ({ page }) => {
  errors = watchErrors(page);
  await page.goto('/');
});
test.afterEach(() => expect(errors, 'page errors, console errors').toEqual([]));

const UNDO = `${HV} .hv-actions .hv-btn >> text=Undo`;
const REDO = `${HV} .hv-actions .hv-btn >> text=Redo`;
const WARNINGS = `${HV} .hv-warnings li`;

/** Every control in the widget, used as a visitor could (clicks on every
 * button, input and change events on every enabled input and select,
 * Ctrl+Z / Ctrl+Y), and the public undo() and redo(); returns the error
 * events it caused. */
const pressEverything = (page) => page.evaluate(async () => {
  const el = document.querySelector('hairline-visualizer');
  const events = [];
  const record = (e) => events.push(e.detail.code);
  el.addEventListener('error', record);
  const root = el.shadowRoot;
  // Not those that open a file chooser or the camera (the live mirror,
  // which here reports camera-denied: tests/e2e/mirror.spec.mjs), copy a
  // link or leave the page.
  const away = ['Choose photo', 'Take photo', 'Mirror', 'Load design', 'Copy link to design'];
  const skip = (b) => away.includes(b.textContent) || b.classList.contains('hv-cta');
  for (const b of root.querySelectorAll('button')) if (!skip(b)) b.click();
  for (const input of root.querySelectorAll('input:not([type=file]), select')) {
    if (input.disabled) continue;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }
  for (const key of ['z', 'y']) {
    el.dispatchEvent(new KeyboardEvent('keydown', { key, ctrlKey: true, bubbles: true, composed: true }));
  }
  el.undo();
  el.redo();
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  el.removeEventListener('error', record);
  return events;
});

test('after "Remove photo": no history, calibration, face message or warnings; no control throws', async ({ page }) => {
  // Automatic placement on: the face is found and the message says so.
  const placed = page.evaluate(() => new Promise((r) => document.querySelector('hairline-visualizer')
    .addEventListener('auto-place', () => r(true), { once: true })));
  await page.evaluate((name) => document.querySelector('hairline-visualizer').loadImage(`/__photos/${name}`), SHAVED.name);
  await placed;
  await expect(page.locator(MESSAGE)).toContainText('Found your face');
  // Two committed changes, the last one low enough to warn.
  await page.evaluate(() => {
    const el = document.querySelector('hairline-visualizer');
    el.setDesign({ ...el.getDesign(), density: 90 });
    el.setDesign({ ...el.getDesign(), height_mm: 60 });
  });
  await expect(page.locator(WARNINGS).first()).toBeVisible();
  await expect(page.locator(UNDO)).toBeEnabled();
  const design = await page.evaluate(() => document.querySelector('hairline-visualizer').getDesign());

  await page.locator(`${HV} .hv-btn`, { hasText: 'Remove photo' }).click();
  await expect(page.locator(UNDO)).toBeDisabled();
  await expect(page.locator(REDO)).toBeDisabled();
  await expect(page.locator(MESSAGE)).toBeHidden();
  await expect(page.locator(WARNINGS)).toHaveCount(0);
  expect(await page.evaluate(() => document.querySelector('hairline-visualizer').getCalibration())).toBeNull();

  // Nothing to undo into, and nothing throws or reports an error.
  expect(await pressEverything(page)).toEqual([]);
  expect(await page.evaluate(() => document.querySelector('hairline-visualizer').getDesign())).toEqual(design);
  await expect(page.locator(MESSAGE)).toBeHidden();

  // A new photo starts a new history.
  await page.evaluate((name) => document.querySelector('hairline-visualizer').loadImage(`/__photos/${name}`), SHAVED.name);
  await expect(page.locator(UNDO)).toBeDisabled();
  await expect(page.locator(REDO)).toBeDisabled();
});

test('with no photo yet, undo, redo, reset and every control do nothing and throw nothing', async ({ page }) => {
  await page.evaluate(async () => {
    const el = document.querySelector('hairline-visualizer');
    el.setAttribute('auto-place', 'off');
    if (!el.getDesign()) await new Promise((r) => el.addEventListener('ready', r, { once: true }));
  });
  const design = await page.evaluate(() => document.querySelector('hairline-visualizer').getDesign());
  expect(await pressEverything(page)).toEqual([]);
  expect(await page.evaluate(() => document.querySelector('hairline-visualizer').getDesign())).toEqual(design);
});

test('Reset design also resets the remaining-hair choice', async ({ page }) => {
  await page.evaluate(async (name) => {
    const el = document.querySelector('hairline-visualizer');
    el.setAttribute('auto-place', 'off');
    await el.loadImage(`/__photos/${name}`);
  }, SHAVED.name);
  await page.selectOption(`${HV} #hv-hair`, 'grey');
  await page.evaluate(() => {
    const el = document.querySelector('hairline-visualizer');
    el.setDesign({ ...el.getDesign(), density: 120, look: 'fresh' });
  });
  expect((await page.evaluate(() => document.querySelector('hairline-visualizer').getDesign())).hair).toBe('grey');
  await page.locator(`${HV} .hv-btn`, { hasText: 'Reset design' }).click();
  const d = await page.evaluate(() => document.querySelector('hairline-visualizer').getDesign());
  expect(d).toMatchObject({ hair: 'dark', density: 70, look: 'healed', style: 'natural' });
  await expect(page.locator(`${HV} #hv-hair`)).toHaveValue('dark');
});
