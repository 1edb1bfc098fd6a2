// Robust input: odd and hostile photo files through loadImage() and the file
// chooser (PDF, HEIC, truncated PNG, a too-narrow image) are refused with a
// readable message and leave the photo, calibration and design untouched;
// unusual but valid photos (animated GIF, 54 MP, extreme aspect ratios,
// grayscale, EXIF-rotated) load; bad calibration points are refused.
// (A text file renamed .jpg, a zero-byte file, a truncated JPEG and a 50×50
// PNG are covered in errors.spec.mjs.)
import { test, expect } from '@playwright/test';
import {
  CANVAS, EN, FILE_INPUT, HV, MESSAGE, SHAVED, SHAVED_PUPILS,
  choosePhoto, eventMark, eventsSince, nextEvent, recordEvents, watchErrors,
} from './helpers.mjs';
import { animatedGif, canvasBytes, heicBytes, pdfBytes, withExifOrientation } from './input-fixtures.mjs';

let errors;
test.beforeEach(async ({ page }) => {
  errors = watchErrors(page);
  await recordEvents(page);
  await page.goto('/');
  expect(await choosePhoto(page, SHAVED.name)).toEqual({ width: SHAVED.width, height: SHAVED.height });
});
test.afterEach(() => {
  expect(errors, 'console errors, uncaught page errors or failed requests').toEqual([]);
});

/** What must survive a refused file: the photo in use (its size), calibration and design. */
const state = (page) => page.evaluate(async () => {
  const el = document.querySelector('hairline-visualizer');
  const canvas = el.shadowRoot.querySelector('canvas.hv-canvas');
  return { photo: (await import('/hv/test-hook.js')).testHook(el).photo(), calibration: el.getCalibration(), design: el.getDesign(), label: canvas.getAttribute('aria-label') };
});

/** loadImage(File) in the page; resolves to the detail or the rejected Error's fields. */
const loadInPage = (page, { name, mimeType, buffer }) => page.evaluate(async ({ b64, name, type }) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  try {
    return { ok: await document.querySelector('hairline-visualizer').loadImage(new File([bytes], name, { type })) };
  } catch (e) {
    return { isError: e instanceof Error, code: e.code, message: e.message };
  }
}, { b64: buffer.toString('base64'), name, type: mimeType });

async function badFiles(page) {
  const png = await canvasBytes(page, { width: 300, height: 300, draw: 'noise' });
  expect(png.length).toBeGreaterThan(1000);
  return [
    { what: 'a PDF (application/pdf)', file: { name: 'scan.pdf', mimeType: 'application/pdf', buffer: pdfBytes() }, codes: ['not-image'], message: EN.notImage },
    { what: 'a PDF named .jpg', file: { name: 'scan.jpg', mimeType: 'image/jpeg', buffer: pdfBytes() }, codes: ['not-image'], message: EN.notImage },
    { what: 'a HEIC file (image/heic, .HEIC)', file: { name: 'IMG_0001.HEIC', mimeType: 'image/heic', buffer: heicBytes() }, codes: ['heic'], message: /JPEG/ },
    { what: 'a HEIC file without type, named .jpg (sniffed)', file: { name: 'IMG_0002.jpg', mimeType: '', buffer: heicBytes() }, codes: ['heic'], message: /JPEG/ },
    { what: 'a PNG cut after 200 bytes', file: { name: 'cut.png', mimeType: 'image/png', buffer: png.subarray(0, 200) }, codes: ['corrupt', 'not-image'], message: /^(?:This photo could not be read|That file is not a photo)/ },
    { what: 'a 199×600 PNG', file: { name: 'narrow.png', mimeType: 'image/png', buffer: await canvasBytes(page, { width: 199, height: 600 }) }, codes: ['too-small'], message: EN.tooSmall(199, 600) },
  ];
}

async function expectRefused(page, mark, bad, detail) {
  expect(bad.codes).toContain(detail.code);
  if (typeof bad.message === 'string') expect(detail.message).toBe(bad.message);
  else expect(detail.message).toMatch(bad.message);
  expect(detail.message.length).toBeGreaterThan(30); // a sentence, not a code
  const alert = page.locator(MESSAGE);
  await expect(alert).toBeVisible();
  await expect(alert).toHaveAttribute('role', 'alert');
  await expect(alert).toHaveText(detail.message);
  expect(await eventsSince(page, mark, 'image-load')).toEqual([]);
  expect(await eventsSince(page, mark, 'design-change')).toEqual([]);
}

test('bad files through loadImage() reject with .code and a readable message; photo and design stay', async ({ page }) => {
  // A design of the visitor's own, so "unchanged" is not just the default.
  await page.evaluate(() => {
    const el = document.querySelector('hairline-visualizer');
    el.setDesign({ ...el.getDesign(), density: 95, height_mm: 77 });
  });
  const before = await state(page);
  expect(before.photo).toEqual({ width: SHAVED.width, height: SHAVED.height });
  for (const bad of await badFiles(page)) {
    await test.step(bad.what, async () => {
      const mark = await eventMark(page);
      const r = await loadInPage(page, bad.file);
      expect(r.isError, `${bad.what} is rejected with an Error`).toBe(true);
      await expectRefused(page, mark, bad, r);
      expect(await nextEvent(page, mark, 'error')).toEqual({ code: r.code, message: r.message });
      expect(await state(page)).toEqual(before);
      await expect(page.locator(CANVAS)).toBeVisible();
    });
  }
});

test('bad files through the file chooser show the alert; photo and design stay', async ({ page }) => {
  await page.evaluate(() => {
    const el = document.querySelector('hairline-visualizer');
    el.setDesign({ ...el.getDesign(), style: 'mature', density: 45 });
  });
  const before = await state(page);
  for (const bad of await badFiles(page)) {
    await test.step(bad.what, async () => {
      const mark = await eventMark(page);
      await page.locator(FILE_INPUT).setInputFiles(bad.file);
      const detail = await nextEvent(page, mark, 'error', `an error event for ${bad.what}`);
      await expectRefused(page, mark, bad, detail);
      expect(await state(page)).toEqual(before);
    });
  }
});

test('an animated GIF loads (its first frame)', async ({ page }) => {
  const gif = animatedGif(240, 220);
  const mark = await eventMark(page);
  const r = await loadInPage(page, { name: 'wave.gif', mimeType: 'image/gif', buffer: gif });
  expect(r).toEqual({ ok: { width: 240, height: 220 } });
  expect(await nextEvent(page, mark, 'image-load')).toEqual({ width: 240, height: 220 });
  await nextEvent(page, mark, 'render');
  // The exported image shows frame 1's colour, not frame 2's.
  const px = await page.evaluate(async () => {
    const el = document.querySelector('hairline-visualizer');
    const bmp = await createImageBitmap(await el.toBlob({ type: 'image/png' }));
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d');
    ctx.drawImage(bmp, 0, 0);
    return [...ctx.getImageData(bmp.width - 2, bmp.height - 2, 1, 1).data];
  });
  expect(Math.abs(px[0] - 0xc0) + Math.abs(px[1] - 0x8a) + Math.abs(px[2] - 0x6a)).toBeLessThan(12);
  // And through the file chooser too.
  // Mark before choosing: the load (and its renders) may finish before the next line runs.
  const mark2 = await eventMark(page);
  await page.locator(FILE_INPUT).setInputFiles({ name: 'wave2.gif', mimeType: 'image/gif', buffer: animatedGif(260, 230) });
  expect(await nextEvent(page, mark2, 'image-load')).toEqual({ width: 260, height: 230 });
});

test('a 54 MP photo is scaled down to max-megapixels, keeping its aspect ratio', async ({ page }) => {
  test.setTimeout(60_000);
  const sizes = await page.evaluate(async () => {
    const el = document.querySelector('hairline-visualizer');
    const canvas = new OffscreenCanvas(9000, 6000);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#3a4a55';
    ctx.fillRect(0, 0, 9000, 6000);
    ctx.fillStyle = '#c08a6a';
    ctx.fillRect(3000, 1000, 3000, 4500);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.6 });
    canvas.width = canvas.height = 1; // free the 54 MP canvas
    const events = [];
    el.addEventListener('image-load', (e) => events.push(e.detail));
    const byDefault = await el.loadImage(blob);
    el.setAttribute('max-megapixels', '2');
    const two = await el.loadImage(new File([blob], 'big.jpg', { type: 'image/jpeg' }));
    return { byDefault, two, events, maxMp: el.maxMegapixels };
  });
  const { byDefault, two } = sizes;
  expect(byDefault.width * byDefault.height).toBeLessThanOrEqual(16_000_000);
  expect(byDefault.width * byDefault.height).toBeGreaterThan(15_500_000);
  expect(two.width * two.height).toBeLessThanOrEqual(2_000_000);
  expect(two.width * two.height).toBeGreaterThan(1_900_000);
  for (const s of [byDefault, two]) expect(Math.abs(s.width / s.height - 1.5)).toBeLessThan(0.002);
  expect(sizes.events).toEqual([byDefault, two]);
  await expect(page.locator(CANVAS)).toBeVisible();
});

test('extreme aspect ratios (4000×200, 200×4000) load without errors', async ({ page }) => {
  for (const [width, height] of [[4000, 200], [200, 4000]]) {
    await test.step(`${width}×${height}`, async () => {
      const buffer = await canvasBytes(page, { width, height });
      const mark = await eventMark(page);
      expect(await loadInPage(page, { name: `wide-${width}.png`, mimeType: 'image/png', buffer })).toEqual({ ok: { width, height } });
      const r = await nextEvent(page, mark, 'render');
      expect(r.width).toBeGreaterThan(0);
      expect(r.height).toBeGreaterThan(0);
      expect(await eventsSince(page, mark, 'error')).toEqual([]);
      await expect(page.locator(MESSAGE)).toBeHidden();
    });
  }
});

// A black-and-white photo: the skin model goes by lightness alone.
test('a grayscale photo loads and renders dots', async ({ page }) => {
  // The test photo redrawn in grays only (luma), loaded and calibrated at its pupils.
  const mark = await eventMark(page);
  const r = await page.evaluate(async ({ name, pupils }) => {
    const el = document.querySelector('hairline-visualizer');
    const bmp = await createImageBitmap(await (await fetch(`/__photos/${name}`)).blob());
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d');
    ctx.drawImage(bmp, 0, 0);
    const img = ctx.getImageData(0, 0, c.width, c.height);
    for (let i = 0; i < img.data.length; i += 4) {
      const y = Math.round(0.299 * img.data[i] + 0.587 * img.data[i + 1] + 0.114 * img.data[i + 2]);
      img.data[i] = img.data[i + 1] = img.data[i + 2] = y;
    }
    ctx.putImageData(img, 0, 0);
    const size = await el.loadImage(new File([await c.convertToBlob({ type: 'image/png' })], 'gray.png', { type: 'image/png' }));
    el.setCalibration({ leftPupil: pupils.left, rightPupil: pupils.right });
    return size;
  }, { name: SHAVED.name, pupils: SHAVED_PUPILS });
  expect(r).toEqual({ width: SHAVED.width, height: SHAVED.height });
  // The last render after the calibration's design-change.
  const lastDots = () => page.evaluate((m) => {
    const ev = window.__hvEvents.slice(m);
    const cal = ev.findIndex((e) => e.type === 'design-change');
    const renders = ev.slice(cal + 1).filter((e) => e.type === 'render');
    return cal < 0 || !renders.length ? null : renders.at(-1).detail.dots;
  }, mark);
  await expect.poll(lastDots, { message: 'a render after the calibration' }).not.toBeNull();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const dots = await lastDots();
  expect(dots, 'dots drawn on the calibrated grayscale photo').toBeGreaterThan(500);
  await expect(page.locator(`${HV} .hv-sr`)).toHaveText(`Hairline 8.0 cm above brow line, ${dots} dots`);
});

test('an EXIF-rotated JPEG (Orientation 6) loads upright: 300×200 becomes 200×300', async ({ page }) => {
  const jpeg = await canvasBytes(page, { width: 300, height: 200, type: 'image/jpeg', quality: 0.9 });
  const rotated = withExifOrientation(jpeg, 6);
  let mark = await eventMark(page);
  expect(await loadInPage(page, { name: 'phone.jpg', mimeType: 'image/jpeg', buffer: rotated })).toEqual({ ok: { width: 200, height: 300 } });
  expect(await nextEvent(page, mark, 'image-load')).toEqual({ width: 200, height: 300 });
  // The same file without the tag stays landscape (the tag is what rotates it).
  expect(await loadInPage(page, { name: 'plain.jpg', mimeType: 'image/jpeg', buffer: jpeg })).toEqual({ ok: { width: 300, height: 200 } });
  mark = await eventMark(page);
  await page.locator(FILE_INPUT).setInputFiles({ name: 'phone2.jpg', mimeType: 'image/jpeg', buffer: rotated });
  expect(await nextEvent(page, mark, 'image-load')).toEqual({ width: 200, height: 300 });
});

test('setCalibration() with pupils outside the photo or on top of each other throws invalid-calibration and changes nothing', async ({ page }) => {
  const mark = await eventMark(page);
  const r = await page.evaluate(() => {
    const el = document.querySelector('hairline-visualizer');
    el.setCalibration({ leftPupil: { x: 177, y: 210 }, rightPupil: { x: 292, y: 216 } });
    const before = el.getCalibration();
    const attempt = (cal) => {
      try {
        el.setCalibration(cal);
        return { threw: false, cal: el.getCalibration() };
      } catch (e) {
        return { threw: true, isError: e instanceof Error, code: e.code, message: e.message, same: JSON.stringify(el.getCalibration()) === JSON.stringify(before) };
      }
    };
    return {
      before,
      results: {
        leftOfImage: attempt({ leftPupil: { x: -40, y: 210 }, rightPupil: { x: 292, y: 216 } }),
        belowImage: attempt({ leftPupil: { x: 177, y: 210 }, rightPupil: { x: 292, y: 5000 } }),
        rightOfImage: attempt({ leftPupil: { x: 177, y: 210 }, rightPupil: { x: 451, y: 216 } }),
        samePoint: attempt({ leftPupil: { x: 200, y: 210 }, rightPupil: { x: 200, y: 210 } }),
        nan: attempt({ leftPupil: { x: NaN, y: 210 }, rightPupil: { x: 292, y: 216 } }),
      },
    };
  });
  expect(r.before.source).toBe('visitor');
  for (const [what, res] of Object.entries(r.results)) {
    expect(res, what).toMatchObject({ threw: true, isError: true, code: 'invalid-calibration', same: true });
    expect(res.message.length, `${what}: a readable message`).toBeGreaterThan(15);
  }
  expect((await eventsSince(page, mark, 'design-change')).length).toBe(1); // only the good calibration
  await expect(page.locator(`${HV} .hv-status`)).toHaveText(EN.calibrated);
});
