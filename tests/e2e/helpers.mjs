// Shared helpers for the <hairline-visualizer> end-to-end tests.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '@playwright/test';
import { photosDir } from '../../tools/photos-dir.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PHOTOS_DIR = photosDir(REPO_ROOT);
export const photoPath = (name) => path.join(PHOTOS_DIR, name);
export const photoBytes = (name) => fs.readFileSync(photoPath(name));

/** The photos the tests use, with their real sizes. */
export const SHAVED = { name: 'front-shaved-dark-01.jpg', width: 450, height: 550 };
export const THINNING = { name: 'front-thinning-light-01.jpg', width: 1200, height: 1200 };
/** Approximate pupil centres in front-shaved-dark-01.jpg (image px). */
export const SHAVED_PUPILS = { left: { x: 177, y: 210 }, right: { x: 292, y: 216 } };

// The test server's origin (playwright.config.mjs; HV_E2E_PORT moves it),
// and the same server under another origin (localhost).
export const PORT = Number(process.env.HV_E2E_PORT || 8137);
export const ORIGIN = `http://127.0.0.1:${PORT}`;
export const LOCALHOST_ORIGIN = `http://localhost:${PORT}`;

export const HV = 'hairline-visualizer';
export const FILE_INPUT = `${HV} input[type=file][accept="image/*"]:not([capture])`;
export const STAGE = `${HV} .hv-stage`;
export const CANVAS = `${HV} canvas.hv-canvas`;
export const MESSAGE = `${HV} .hv-message`;
export const STATUS = `${HV} .hv-status`;

export const EN = {
  estimated: 'Size is estimated. Tap “Tap pupils” for true millimetres.',
  calibrated: 'Calibrated from your pupils.',
  calibrateSecond: 'Now tap the other pupil.',
  notImage: 'That file is not a photo we can open. Please choose a JPEG, PNG or WebP photo.',
  corrupt: 'This photo could not be read. It may be damaged or incomplete; please try another one.',
  tooSmall: (w, h) => `This photo is only ${w}×${h} pixels. Please use one at least 200 pixels across.`,
};

const isFavicon = (url) => {
  try {
    return new URL(url).pathname === '/favicon.ico';
  } catch {
    return false;
  }
};

/**
 * Collect console errors, uncaught page errors, failed requests and HTTP
 * errors (a missing /favicon.ico excepted: Chromium asks for it on its own). Returns the
 * live array; tests end with `expect(errors).toEqual([])`.
 */
export function watchErrors(page) {
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
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.type()} ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  return errors;
}

/**
 * Record every event of every <hairline-visualizer> (ready, image-load,
 * design-change, render, error) in window.__hvEvents, from before the page's
 * own scripts run, and turn automatic face placement off. The listener captures at the document, so it also sees
 * these non-bubbling events and elements created later.
 */
export async function recordEvents(page) {
  await page.addInitScript(() => {
    // These specs drive the manual flow (estimate, then taps); automatic
    // face placement is tested on its own in autoplace.spec.mjs.
    document.addEventListener('DOMContentLoaded', () => {
      for (const el of document.querySelectorAll('hairline-visualizer')) el.setAttribute('auto-place', 'off');
    });
    window.__hvEvents = [];
    for (const type of ['ready', 'image-load', 'design-change', 'render', 'error', 'mirror-frame']) {
      document.addEventListener(type, (e) => {
        const target = e.target;
        if (!target || target.localName !== 'hairline-visualizer') return;
        window.__hvEvents.push({
          type,
          id: target.id || '',
          detail: e.detail == null ? null : JSON.parse(JSON.stringify(e.detail)),
        });
      }, true);
    }
  });
}

/** How many events have been recorded so far (a mark for `eventsSince`). */
export const eventMark = (page) => page.evaluate(() => window.__hvEvents.length);

/** Events of `type` recorded after `mark`. */
export const eventsSince = (page, mark, type) =>
  page.evaluate(([m, t]) => window.__hvEvents.slice(m).filter((e) => !t || e.type === t), [mark, type]);

/** Wait until at least one event of `type` arrives after `mark`; returns the last one's detail. */
export async function nextEvent(page, mark, type, message = `a "${type}" event`) {
  await expect.poll(async () => (await eventsSince(page, mark, type)).length, { message }).toBeGreaterThan(0);
  const list = await eventsSince(page, mark, type);
  return list[list.length - 1].detail;
}

/** The demo element's current design (public API). */
export const getDesign = (page, sel = HV) => page.evaluate((s) => document.querySelector(s).getDesign(), sel);

/**
 * Load a photo from ../shared/photos through the element's file chooser (the
 * hidden <input type=file>), as a visitor would; waits for `image-load` and
 * the first `render` after it. Returns the image-load detail.
 */
export async function choosePhoto(page, name) {
  const mark = await eventMark(page);
  await page.locator(FILE_INPUT).setInputFiles(photoPath(name));
  const detail = await nextEvent(page, mark, 'image-load');
  await expect.poll(() => page.evaluate((m) => {
    const ev = window.__hvEvents;
    const i = ev.findIndex((e, k) => k >= m && e.type === 'image-load');
    return i >= 0 && ev.slice(i + 1).some((e) => e.type === 'render');
  }, mark), { message: 'a render after the photo loaded' }).toBe(true);
  return detail;
}

/**
 * Screen position (CSS px, viewport) of an image pixel, from the preview
 * canvas's bounding box and the photo's size. Only valid at the fitted view
 * (the canvas then shows the whole photo). Scrolls the stage into view first.
 */
export async function imageToScreen(page, photo, x, y) {
  await page.locator(STAGE).scrollIntoViewIfNeeded();
  const box = await page.locator(CANVAS).boundingBox();
  expect(box, 'the preview canvas is laid out').not.toBeNull();
  // The whole photo is shown: the canvas has the photo's aspect ratio.
  expect(Math.abs(box.width / box.height - photo.width / photo.height)).toBeLessThan(0.01);
  return { x: box.x + (x * box.width) / photo.width, y: box.y + (y * box.height) / photo.height, scale: box.width / photo.width };
}

/** What element of the stage a pointer at screen (x, y) lands on. */
export const hitAt = (page, x, y) =>
  page.evaluate(([px, py]) => {
    const root = document.querySelector('hairline-visualizer').shadowRoot;
    const t = root.elementFromPoint(px, py);
    return {
      point: t?.closest?.('[data-point]')?.getAttribute('data-point') ?? null,
      pupil: t?.closest?.('[data-pupil]')?.getAttribute('data-pupil') ?? null,
      tag: t?.localName ?? null,
    };
  }, [x, y]);

/**
 * Decode `exported` (PNG bytes) and `original` (photo bytes) in the page the
 * same way (createImageBitmap + OffscreenCanvas getImageData) and compare
 * them pixel by pixel. `tolerance` levels are allowed for decoder rounding.
 * `regions` are named rectangles [x0, y0, x1, y1) (image px) in which darkened
 * pixels are counted separately; `belowY`: darkened pixels with y >= belowY
 * are counted as `darkBelow`.
 */
export async function compareInPage(page, exported, original, { tolerance = 1, belowY, regions = {} } = {}) {
  return page.evaluate(async ({ a, b, tol, below, rects }) => {
    const bytes = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
    const decode = async (data, type) => {
      const bitmap = await createImageBitmap(new Blob([bytes(data)], { type }), { imageOrientation: 'from-image' });
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(bitmap, 0, 0);
      bitmap.close();
      return ctx.getImageData(0, 0, canvas.width, canvas.height);
    };
    const out = await decode(a, 'image/png');
    const orig = await decode(b, 'image/jpeg');
    const r = {
      width: out.width, height: out.height, origWidth: orig.width, origHeight: orig.height,
      brighter: 0, darker: 0, darkBelow: 0, opaque: true, maxDarkening: 0,
      bbox: null, inRegion: Object.fromEntries(Object.keys(rects).map((k) => [k, 0])),
      firstBrighter: null, firstBelow: null,
    };
    if (out.width !== orig.width || out.height !== orig.height) return r;
    let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
    for (let y = 0; y < out.height; y++) {
      for (let x = 0; x < out.width; x++) {
        const i = (y * out.width + x) * 4;
        let up = 0, down = 0;
        for (let c = 0; c < 3; c++) {
          const d = out.data[i + c] - orig.data[i + c];
          if (d > up) up = d;
          if (-d > down) down = -d;
        }
        if (out.data[i + 3] !== 255) r.opaque = false;
        if (up > tol) {
          r.brighter++;
          r.firstBrighter ??= { x, y, up };
        }
        if (down > tol) {
          r.darker++;
          if (down > r.maxDarkening) r.maxDarkening = down;
          x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
          if (below != null && y >= below) {
            r.darkBelow++;
            r.firstBelow ??= { x, y, down };
          }
          for (const [k, [rx0, ry0, rx1, ry1]] of Object.entries(rects)) {
            if (x >= rx0 && x < rx1 && y >= ry0 && y < ry1) r.inRegion[k]++;
          }
        }
      }
    }
    if (r.darker) r.bbox = [x0, y0, x1, y1];
    return r;
  }, { a: Buffer.from(exported).toString('base64'), b: Buffer.from(original).toString('base64'), tol: tolerance, below: belowY, rects: regions });
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(buf) {
  expect([...buf.subarray(0, 8)], 'PNG signature').toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(buf.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** Set a range input's value the way a drag does (input, then change). */
export async function setRange(page, selector, value) {
  await page.locator(selector).evaluate((input, v) => {
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}
