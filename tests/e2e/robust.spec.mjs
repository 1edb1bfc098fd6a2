// Robustness and privacy: a panic inside the core becomes an error event and
// a recovered widget; no network traffic after the page has loaded; WASM
// memory stays bounded over many photo loads.
import { test, expect } from '@playwright/test';
import { ORIGIN } from './helpers.mjs';

const PHOTO = '/__photos/front-shaved-dark-01.jpg';
const PUPILS = { leftPupil: { x: 177, y: 210 }, rightPupil: { x: 292, y: 216 } };

async function ready(page) {
  await page.goto('/');
  await page.waitForFunction(() => customElements.get('hairline-visualizer'));
  await page.evaluate(async () => {
    const el = document.querySelector('hairline-visualizer');
    el.setAttribute('auto-place', 'off'); // placement is tested in autoplace.spec.mjs
    await (await import('/hv/test-hook.js')).testHook(el).ready();
  });
}

test('a panic in the core is reported and the widget recovers with the same photo and design', async ({ page }) => {
  // The test build (make build-test) has the panic to trigger.
  await page.addInitScript(() => document.addEventListener('DOMContentLoaded', () => {
    document.querySelector('hairline-visualizer').setAttribute('base-url', '/__testpkg/');
  }));
  await ready(page);
  const result = await page.evaluate(async ({ PHOTO, PUPILS }) => {
    const el = document.querySelector('hairline-visualizer');
    await el.loadImage(PHOTO);
    el.setCalibration(PUPILS);
    el.setDesign({ ...el.getDesign(), density: 111 });
    const errors = [];
    el.addEventListener('error', (e) => errors.push(e.detail));
    let thrown = null;
    try {
      (await import('/hv/test-hook.js')).testHook(el).core().testPanic();
    } catch (e) {
      thrown = { name: e.name, code: e.code };
    }
    // Recovery reloads the photo asynchronously.
    await new Promise((r) => el.addEventListener('image-load', r, { once: true }));
    await new Promise((r) => setTimeout(r, 50));
    const blob = await el.toBlob();
    const bmp = await createImageBitmap(blob);
    return {
      thrown, errors, density: el.getDesign().density, cal: el.getCalibration(), size: [bmp.width, bmp.height],
      message: el.shadowRoot.querySelector('.hv-message').textContent,
    };
  }, { PHOTO, PUPILS });
  expect(result.thrown).toEqual({ name: 'VisualizerError', code: 'internal' });
  expect(result.errors.map((e) => e.code)).toEqual(['internal']);
  expect(result.message).toMatch(/went wrong/);
  expect(result.density).toBe(111);
  expect(result.cal.leftPupil).toEqual(PUPILS.leftPupil);
  expect(result.size).toEqual([450, 550]);
});

test('after the page has loaded, using the widget makes no network requests', async ({ page }) => {
  const requests = [];
  page.on('request', (r) => requests.push({ url: r.url(), t: Date.now() }));
  await ready(page);
  // The photo comes from a file the visitor picks (no request).
  const file = await page.evaluate(async (url) => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer())), PHOTO);
  await page.evaluate(async () => {
    // The decode and model workers (and the nets' weights) are part of the
    // first photo load; warm them, up to the face search's answer (none in
    // a blank photo), so the count below covers only the visitor's own
    // actions.
    const el = document.querySelector('hairline-visualizer');
    const c = new OffscreenCanvas(300, 300);
    c.getContext('2d').fillRect(0, 0, 300, 300);
    await el.loadImage(await c.convertToBlob());
    await el.autoPlace().catch(() => {});
  });
  const before = requests.length;
  const origins = new Set();
  page.on('request', (r) => origins.add(new URL(r.url()).origin));
  await page.evaluate(async ({ bytes, PUPILS }) => {
    const el = document.querySelector('hairline-visualizer');
    await el.loadImage(new File([new Uint8Array(bytes)], 'me.jpg', { type: 'image/jpeg' }));
    el.setCalibration(PUPILS);
    el.setDesign({ ...el.getDesign(), style: 'soft', density: 90 });
    el.shadowRoot.querySelector('.hv-chip[data-style="defined"]').click();
    await el.toBlob();
    el.addEventListener('consult-request', (e) => e.preventDefault(), { once: true });
    await el.requestConsultation();
    el.shareLink();
    await new Promise((r) => setTimeout(r, 300));
  }, { bytes: file, PUPILS });
  const after = requests.slice(before).map((r) => r.url).filter((u) => !u.startsWith('blob:') && !u.startsWith('data:'));
  expect(after).toEqual([]);
  // And nothing, ever, to another origin.
  for (const r of requests) expect(new URL(r.url).origin).toBe(ORIGIN);
});

test('WASM memory stays bounded across 50 photo loads', async ({ page }) => {
  test.setTimeout(120_000);
  await ready(page);
  const sizes = await page.evaluate(async (PHOTO) => {
    const el = document.querySelector('hairline-visualizer');
    const hook = (await import('/hv/test-hook.js')).testHook(el);
    const blob = await (await fetch(PHOTO)).blob();
    const sizes = [];
    for (let i = 0; i < 50; i++) {
      await el.loadImage(blob);
      await el.toBlob();
      sizes.push(hook.memoryBytes());
    }
    return sizes;
  }, PHOTO);
  // Growth, if any, happens in the first loads; the last 40 add nothing.
  expect(sizes[49]).toBe(sizes[9]);
  expect(sizes[49]).toBeLessThan(64 * 1024 * 1024);
});

test('the dot field is made in a worker, and gives the same picture as the core making it itself', async ({ browser }) => {
  const render = async (withWorkers) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    if (!withWorkers) await page.addInitScript(() => { delete globalThis.Worker; });
    const workers = [];
    page.on('worker', (w) => workers.push(w.url()));
    await ready(page);
    const digest = await page.evaluate(async ({ photo, PUPILS }) => {
      const el = document.querySelector('hairline-visualizer');
      await el.loadImage(photo);
      el.setCalibration(PUPILS);
      const blob = await el.toBlob();
      const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
      return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    }, { photo: PHOTO, PUPILS });
    await context.close();
    return { digest, workers };
  };
  const a = await render(true);
  const b = await render(false);
  expect(a.workers.some((u) => u.endsWith('/field-worker.js'))).toBe(true);
  expect(b.workers).toEqual([]);
  expect(a.digest).toBe(b.digest);
});

test('a large photo is scaled to the working copy in the decode worker, and places the dots as the core scaling it would', async ({ browser }) => {
  const run = async (withWorkers) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    if (!withWorkers) await page.addInitScript(() => { delete globalThis.Worker; });
    await ready(page);
    const result = await page.evaluate(async (photo) => {
      const el = document.querySelector('hairline-visualizer');
      // A 2400×1800 photo (larger than the 640 px working copy): the test
      // portrait enlarged on its backdrop.
      const src = await createImageBitmap(await (await fetch(photo)).blob());
      const W = 2400, H = 1800, k = H / src.height, ox = (W - src.width * k) / 2;
      const canvas = new OffscreenCanvas(W, H);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(src, 0, 0, 4, 4, 0, 0, W, H);
      ctx.drawImage(src, ox, 0, src.width * k, H);
      const hook = (await import('/hv/test-hook.js')).testHook(el);
      await el.loadImage(await createImageBitmap(canvas));
      const intake = hook.intake();
      const cal = el.getCalibration();
      // The hand-marked pupils, so both runs place the dots on the same
      // frame and only the masks (grown from the working copy) differ.
      const at = (p) => ({ x: ox + p.x * k, y: p.y * k });
      el.setCalibration({ leftPupil: at({ x: 177, y: 210 }), rightPupil: at({ x: 292, y: 216 }) });
      return { intake, cal, dots: hook.core().renderFull().dots };
    }, PHOTO);
    await context.close();
    return result;
  };
  const a = await run(true);
  const b = await run(false);
  expect(a.intake).toEqual({ width: 2400, height: 1800, workingCopy: 'worker' });
  expect(b.intake).toEqual({ width: 2400, height: 1800, workingCopy: 'core' });
  // The estimated pupils agree within 2 % of their distance, and the scalp
  // masks let through the same dots within 3 %.
  const ipd = Math.hypot(b.cal.rightPupil.x - b.cal.leftPupil.x, b.cal.rightPupil.y - b.cal.leftPupil.y);
  for (const p of ['leftPupil', 'rightPupil']) {
    expect(Math.hypot(a.cal[p].x - b.cal[p].x, a.cal[p].y - b.cal[p].y)).toBeLessThan(0.02 * ipd);
  }
  expect(b.dots).toBeGreaterThan(1000);
  expect(Math.abs(a.dots - b.dots) / b.dots).toBeLessThan(0.03);
});
