// Bad input keeps state: after a good photo is loaded, every bad photo or
// design is refused with a readable message, and the photo (its size), the
// calibration and the design stay exactly as they were.
import { test, expect } from '@playwright/test';
import {
  CANVAS, EN, HV, MESSAGE, SHAVED, STATUS, THINNING,
  choosePhoto, eventMark, eventsSince, getDesign, nextEvent, photoBytes, recordEvents, watchErrors,
} from './helpers.mjs';

const DESIGN_INPUT = `${HV} input[type=file][accept="application/json,.json"]`;
const FILE_INPUT = `${HV} input[type=file][accept="image/*"]:not([capture])`;

/** A 50×50 PNG, made in the page with OffscreenCanvas. */
async function tinyPng(page) {
  const b64 = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(50, 50);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#c08a6a';
    ctx.fillRect(0, 0, 50, 50);
    const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  });
  return Buffer.from(b64, 'base64');
}

/** The bad photo files, as a visitor might pick them. */
async function badFiles(page) {
  return [
    {
      what: 'a text file renamed .jpg',
      file: { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('These are my notes, not a photo.\n'.repeat(20)) },
      code: 'not-image', message: EN.notImage,
    },
    {
      what: 'a zero-byte file',
      file: { name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) },
      code: 'not-image', message: EN.notImage,
    },
    {
      // Of the other (1200×1200) photo: a partial decode would change the size.
      what: 'a truncated JPEG (its first 2 KB)',
      file: { name: 'cut.jpg', mimeType: 'image/jpeg', buffer: photoBytes(THINNING.name).subarray(0, 2048) },
      code: 'corrupt', message: EN.corrupt,
    },
    {
      what: 'a 50×50 PNG',
      file: { name: 'tiny.png', mimeType: 'image/png', buffer: await tinyPng(page) },
      code: 'too-small', message: EN.tooSmall(50, 50),
    },
  ];
}

/** What must not change: design, calibration, and the photo's size as exported. */
async function snapshot(page) {
  return page.evaluate(async () => {
    const el = document.querySelector('hairline-visualizer');
    const blob = await el.toBlob({ type: 'image/png' });
    const bitmap = await createImageBitmap(blob);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return { design: el.getDesign(), calibration: el.getCalibration(), size };
  });
}

let errors;
let baseline;
let baselineStatus;
test.beforeEach(async ({ page }) => {
  errors = watchErrors(page);
  await recordEvents(page);
  await page.goto('/');
  expect(await choosePhoto(page, SHAVED.name)).toEqual({ width: SHAVED.width, height: SHAVED.height });
  baseline = await snapshot(page);
  expect(baseline.size).toEqual({ width: SHAVED.width, height: SHAVED.height });
  expect(baseline.calibration).not.toBeNull();
  baselineStatus = await page.locator(STATUS).textContent();
  expect(baselineStatus).not.toBe('');
  await expect(page.locator(MESSAGE)).toBeHidden();
});
test.afterEach(() => {
  expect(errors, 'console errors, uncaught page errors or failed requests').toEqual([]);
});

async function expectUnchanged(page) {
  expect(await snapshot(page)).toEqual(baseline);
  await expect(page.locator(CANVAS)).toBeVisible();
  await expect(page.locator(STATUS)).toHaveText(baselineStatus);
}

test('bad photo files from the file chooser show a readable alert and keep the photo and design', async ({ page }) => {
  for (const bad of await badFiles(page)) {
    await test.step(bad.what, async () => {
      const mark = await eventMark(page);
      await page.locator(FILE_INPUT).setInputFiles(bad.file);
      const detail = await nextEvent(page, mark, 'error', `an error event for ${bad.what}`);
      expect(detail).toEqual({ code: bad.code, message: bad.message });
      const alert = page.locator(MESSAGE);
      await expect(alert).toBeVisible();
      await expect(alert).toHaveAttribute('role', 'alert');
      await expect(alert).toHaveAttribute('data-kind', 'error');
      await expect(alert).toHaveText(bad.message);
      expect(await eventsSince(page, mark, 'image-load')).toEqual([]);
      expect(await eventsSince(page, mark, 'design-change')).toEqual([]);
      await expectUnchanged(page);
    });
  }
  // And a good photo still loads afterwards.
  expect(await choosePhoto(page, THINNING.name)).toEqual({ width: THINNING.width, height: THINNING.height });
});

test('loadImage() rejects bad photos with an Error carrying .code and .message, and keeps the state', async ({ page }) => {
  for (const bad of await badFiles(page)) {
    await test.step(bad.what, async () => {
      const mark = await eventMark(page);
      const result = await page.evaluate(async ({ b64, name, type }) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        try {
          await document.querySelector('hairline-visualizer').loadImage(new File([bytes], name, { type }));
          return { resolved: true };
        } catch (e) {
          return { isError: e instanceof Error, name: e.name, code: e.code, message: e.message };
        }
      }, { b64: bad.file.buffer.toString('base64'), name: bad.file.name, type: bad.file.mimeType });
      expect(result).toEqual({ isError: true, name: 'VisualizerError', code: bad.code, message: bad.message });
      expect(await nextEvent(page, mark, 'error')).toEqual({ code: bad.code, message: bad.message });
      await expect(page.locator(MESSAGE)).toHaveText(bad.message);
      await expectUnchanged(page);
    });
  }
  // Nothing at all, and a value that is not an image source.
  const odd = await page.evaluate(async () => {
    const el = document.querySelector('hairline-visualizer');
    const out = [];
    for (const source of [null, 42]) {
      try {
        await el.loadImage(source);
        out.push('resolved');
      } catch (e) {
        out.push([e instanceof Error, e.code]);
      }
    }
    return out;
  });
  expect(odd).toEqual([[true, 'empty'], [true, 'not-image']]);
  await expectUnchanged(page);
});

test('setDesign() with a bad design throws a readable Error and changes nothing', async ({ page }) => {
  const mark = await eventMark(page);
  const results = await page.evaluate(() => {
    const el = document.querySelector('hairline-visualizer');
    const good = el.getDesign();
    const attempt = (d) => {
      try {
        el.setDesign(d);
        return { threw: false };
      } catch (e) {
        return { threw: true, isError: e instanceof Error, code: e.code, message: e.message };
      }
    };
    return {
      version2: attempt({ version: 2 }),
      density: attempt({ ...good, density: 999 }),
      notJson: attempt('{"version": 1, '),
      unknownStyle: attempt({ ...good, style: 'mullet' }),
      extraField: attempt({ ...good, colour: 'red' }),
    };
  });
  for (const r of Object.values(results)) {
    expect(r).toMatchObject({ threw: true, isError: true, code: 'invalid-design' });
  }
  expect(results.version2.message).toMatch(/version 2/);
  expect(results.version2.message).toMatch(/not supported/);
  expect(results.density.message).toMatch(/density/);
  expect(results.density.message).toMatch(/between 10 and 150/);
  expect(results.density.message).toMatch(/999/);
  expect(results.notJson.message).toMatch(/not valid JSON/);
  expect(results.unknownStyle.message).toMatch(/mullet/);
  expect(results.extraField.message).toMatch(/unknown field `colour`/);
  expect(await eventsSince(page, mark, 'design-change')).toEqual([]);
  await expectUnchanged(page);
});

test('"Load design" with a bad design file shows the problem in the alert and changes nothing', async ({ page }) => {
  const good = await getDesign(page);
  const cases = [
    { name: 'v2.json', json: { ...good, version: 2 }, expect: /^That design file could not be used: design version 2 is not supported/ },
    { name: 'dense.json', json: { ...good, density: 999 }, expect: /^That design file could not be used: .*density.*between 10 and 150/ },
  ];
  for (const c of cases) {
    const mark = await eventMark(page);
    await page.locator(DESIGN_INPUT).setInputFiles({ name: c.name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(c.json)) });
    const detail = await nextEvent(page, mark, 'error');
    expect(detail.code).toBe('invalid-design');
    expect(detail.message).toMatch(c.expect);
    await expect(page.locator(MESSAGE)).toBeVisible();
    await expect(page.locator(MESSAGE)).toHaveText(detail.message);
    expect(await eventsSince(page, mark, 'design-change')).toEqual([]);
    await expectUnchanged(page);
  }
  // A good design file is applied.
  const mark = await eventMark(page);
  await page.locator(DESIGN_INPUT).setInputFiles({ name: 'ok.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...good, density: 40 })) });
  expect((await nextEvent(page, mark, 'design-change')).density).toBe(40);
  await expect(page.locator(MESSAGE)).toHaveText('Design loaded.');
});

test('"Load design" in Spanish: the core\'s reason in Spanish words, with Spanish decimals and no field names', async ({ page }) => {
  await page.evaluate(() => document.querySelector('hairline-visualizer').setAttribute('lang', 'es'));
  const good = await getDesign(page);
  const cases = [
    { name: 'dots.json', json: { ...good, dot_mm: 2.5 },
      message: 'No se pudo usar ese diseño: «tamaño del punto» debe estar entre 0,3 y 1,5 mm; este archivo tiene 2,5' },
    { name: 'dense.json', json: { ...good, density: 999 },
      message: 'No se pudo usar ese diseño: «densidad» debe estar entre 10 y 150 puntos/cm²; este archivo tiene 999' },
    { name: 'v2.json', json: { ...good, version: 2 },
      message: 'No se pudo usar ese diseño: la versión 2 del diseño no es compatible (este visualizador lee la versión 1)' },
  ];
  for (const c of cases) {
    const mark = await eventMark(page);
    await page.locator(DESIGN_INPUT).setInputFiles({ name: c.name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(c.json)) });
    const detail = await nextEvent(page, mark, 'error');
    expect(detail.code).toBe('invalid-design');
    expect(detail.message).toBe(c.message);
    await expect(page.locator(MESSAGE)).toHaveText(c.message);
    expect(await eventsSince(page, mark, 'design-change')).toEqual([]);
  }
  // The same file in English keeps English decimals.
  await page.evaluate(() => document.querySelector('hairline-visualizer').setAttribute('lang', 'en'));
  const mark = await eventMark(page);
  await page.locator(DESIGN_INPUT).setInputFiles({ name: 'dots.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...good, dot_mm: 2.5 })) });
  expect((await nextEvent(page, mark, 'error')).message)
    .toBe('That design file could not be used: the dot size must be between 0.3 and 1.5 mm; this file has 2.5');
});

// A successful load clears an earlier error alert.
test('a good photo after a bad one clears the error alert', async ({ page }) => {
  const mark = await eventMark(page);
  await page.locator(FILE_INPUT).setInputFiles({ name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a photo') });
  await nextEvent(page, mark, 'error');
  await expect(page.locator(MESSAGE)).toHaveText(EN.notImage);
  expect(await choosePhoto(page, THINNING.name)).toEqual({ width: THINNING.width, height: THINNING.height });
  await expect(page.locator(MESSAGE)).toBeHidden({ timeout: 2000 });
});
