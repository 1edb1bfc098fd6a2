// The live mirror (issue #15) with Chromium's fake camera playing the
// clips tests/mirror/make-clips.mjs writes into target/mirror/ (`make
// test-e2e` makes them): the photo moved with known motion, its
// hand-marked pupils moved the same way as the ground truth, and each
// frame's index written into its bottom left corner, which the mirror's
// test probe reads back so every reported frame is matched with the clip
// frame it was measured on (the fake camera loops the clip at its own
// pace and drops frames under load).
//
// Each clip is a camera of its own (a browser launch flag), so each test
// launches its own browser; a test plays its clip for a few seconds.
import { test, expect, chromium } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS } from '../../playwright.config.mjs';
import { HV, ORIGIN, SHAVED, choosePhoto, eventMark, getDesign, nextEvent, pngSize, recordEvents, setRange, watchErrors } from './helpers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLIPS = path.join(ROOT, 'target', 'mirror');
const PHOTO = 'front-shaved-dark-01';
/** Seconds of each clip the accuracy tests watch (a clip is 3 s). */
const WATCH_S = 4;

const clipFile = (motion) => path.join(CLIPS, `${PHOTO}-${motion}.y4m`);
const truthOf = (motion) => JSON.parse(fs.readFileSync(path.join(CLIPS, `${PHOTO}-${motion}.json`), 'utf8'));

/** A page in a browser whose fake camera plays `motion`'s clip (camera
 * permission granted unless `grant` is false). */
async function cameraPage(motion, { grant = true } = {}) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${clipFile(motion)}`],
  });
  const context = await browser.newContext({ baseURL: ORIGIN, permissions: grant ? ['camera'] : [] });
  const page = await context.newPage();
  open = browser;
  return { page };
}

let open = null;
test.afterEach(async () => {
  await open?.close();
  open = null;
});

/** Open the page with the element ready and the frame code probed. */
async function openMirrorPage(page, truth) {
  await page.goto('/');
  await page.evaluate(async (code) => {
    const { testHook } = await import('/hv/test-hook.js');
    const el = document.querySelector('hairline-visualizer');
    const hook = testHook(el);
    el.scrollIntoView();
    hook.probeMirror(Array.from({ length: code.bits }, (_, k) => [k * code.size + code.size / 2, code.y + code.size / 2]));
    window.__mirrorHook = hook;
  }, truth.frame_code);
}

/** Play the mirror for `seconds` after the first tracked frame; the frames
 * with their clip frame index (from the frame code) and the start result. */
async function watch(page, seconds) {
  return page.evaluate(async (s) => {
    const el = document.querySelector('hairline-visualizer');
    const started = await el.startMirror();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, s * 1000));
    const thread = window.__mirrorHook.mirrorThread();
    el.stopMirror();
    const frames = window.__mirrorHook.mirrorLog().map(({ detail, probe }) => ({
      ...detail,
      index: probe.reduce((n, [r, g, b], k) => n + ((0.299 * r + 0.587 * g + 0.114 * b) > 128 ? 1 << k : 0), 0),
    }));
    return { started, frames, thread, seconds: (performance.now() - t0) / 1000 };
  }, seconds);
}

/** Share of frames (from the first tracked one) whose pupils are within
 * 5 % of the IPD of the truth, and the worst error. */
function accuracy(frames, truth) {
  const first = frames.findIndex((f) => f.tracked);
  const used = frames.slice(first);
  let within = 0;
  let worst = 0;
  for (const f of used) {
    const g = truth.pupils[f.index];
    if (!g || !f.tracked) continue;
    const d = (a, b) => Math.hypot(a.x - b.x, a.y - b.y);
    const e = Math.max(d(f.leftPupil, g.leftPupil), d(f.rightPupil, g.rightPupil)) / g.ipd_px;
    worst = Math.max(worst, e);
    if (e <= 0.05) within++;
  }
  return { within, frames: used.length, share: within / Math.max(1, used.length), worst };
}

for (const motion of ['translate', 'roll', 'scale']) {
  test.describe(`mirror on the ${motion} clip`, () => {
    test(`the pupils follow the ${motion} motion within 5% of the IPD`, async () => {
      const { page } = await cameraPage(motion);
      const errors = watchErrors(page);
      const truth = truthOf(motion);
      await openMirrorPage(page, truth);
      const { started, frames, thread } = await watch(page, WATCH_S);
      expect(started).toEqual({ width: truth.width, height: truth.height });
      expect(thread).toBe('worker');
      const a = accuracy(frames, truth);
      const fps = frames.at(-1).fps;
      console.log(`mirror ${motion}: ${a.within}/${a.frames} frames within 5% of the IPD (worst ${(a.worst * 100).toFixed(1)}%), ${fps.toFixed(1)} fps`);
      // The clip moves: the frames seen cover much of it.
      expect(new Set(frames.map((f) => f.index)).size).toBeGreaterThan(30);
      expect(a.frames).toBeGreaterThan(40);
      expect(a.share).toBeGreaterThanOrEqual(0.95);
      expect(errors).toEqual([]);
    });
  });
}

test.describe('mirror on the still clip', () => {
  test('a still face: pupil jitter under 0.5 px RMS; the mirror-frame event', async () => {
    const { page } = await cameraPage('still');
    const errors = watchErrors(page);
    const truth = truthOf('still');
    await openMirrorPage(page, truth);
    await page.evaluate(() => {
      window.__frames = [];
      document.querySelector('hairline-visualizer').addEventListener('mirror-frame', (e) => window.__frames.push(e.detail));
    });
    const { frames } = await watch(page, 3);
    const tracked = frames.filter((f) => f.tracked);
    // After the filter settled (10 frames), frame-to-frame steps.
    const steps = [];
    for (let i = 11; i < tracked.length; i++) {
      for (const k of ['leftPupil', 'rightPupil']) {
        steps.push(Math.hypot(tracked[i][k].x - tracked[i - 1][k].x, tracked[i][k].y - tracked[i - 1][k].y));
      }
    }
    const rms = Math.sqrt(steps.reduce((s, v) => s + v * v, 0) / steps.length);
    console.log(`mirror still: ${tracked.length} tracked frames, jitter ${rms.toFixed(3)} px RMS`);
    expect(steps.length).toBeGreaterThan(40);
    expect(rms).toBeLessThan(0.5);
    expect(accuracy(frames, truth).share).toBeGreaterThanOrEqual(0.95);
    // Every shown frame was an event, with the documented fields.
    const events = await page.evaluate(() => window.__frames);
    expect(events.length).toBe(frames.length);
    for (const k of ['fps', 'ms', 'tracked', 'leftPupil', 'rightPupil', 'roll', 'yaw', 'pitch']) expect(events.at(-1)).toHaveProperty(k);
    expect(events.at(-1).ms).toBeGreaterThan(0);
    expect(events.at(-1).dots).toBeGreaterThan(200);
    expect(errors).toEqual([]);
  });

  test('snapshot(): the camera frame becomes the photo, calibrated by the tracker, with the design kept', async () => {
    const { page } = await cameraPage('still');
    const errors = watchErrors(page);
    await page.goto('/');
    const shot = await page.evaluate(async () => {
      const el = document.querySelector('hairline-visualizer');
      el.scrollIntoView();
      const started = await el.startMirror();
      // The design controls stay live on the mirror: change the design now.
      const d = el.getDesign();
      el.setDesign({ ...d, height_mm: d.height_mm + 6 });
      await new Promise((r) => setTimeout(r, 500));
      const live = !el.shadowRoot.querySelector('.hv-controls button, .hv-controls input').disabled;
      const size = await el.snapshot();
      // The segmentation asked for with the tracked pupils decides the scalp.
      const { testHook } = await import('/hv/test-hook.js');
      await testHook(el).segmented();
      const blob = await el.toBlob();
      return {
        started, size, live,
        calibration: el.getCalibration(),
        design: el.getDesign(),
        before: d,
        camera: !!el.shadowRoot.querySelector('.hv-mirror-canvas'),
        png: Array.from(new Uint8Array(await blob.arrayBuffer())),
      };
    });
    fs.mkdirSync(path.join(ROOT, 'target', 'playwright'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'target', 'playwright', 'mirror-snapshot.png'), Buffer.from(shot.png));
    expect(shot.live).toBe(true);
    expect(shot.size).toEqual(shot.started);
    expect(shot.camera).toBe(false); // the mirror stopped
    expect(pngSize(Buffer.from(shot.png))).toEqual(shot.started);
    expect(shot.calibration.source).toBe('tracked');
    expect(shot.design.height_mm).toBe(shot.before.height_mm + 6);
    // The tracked pupils are the truth's (within 5 % of the IPD).
    const g = truthOf('still').pupils[0];
    for (const k of ['leftPupil', 'rightPupil']) {
      expect(Math.hypot(shot.calibration[k].x - g[k].x, shot.calibration[k].y - g[k].y)).toBeLessThan(0.05 * g.ipd_px);
    }
    // Dots on the scalp: every dot above the brows, and the export darker
    // than the photo under them.
    const diff = await page.evaluate(async (bytes) => {
      const el = document.querySelector('hairline-visualizer');
      const { testHook } = await import('/hv/test-hook.js');
      const core = testHook(el).core();
      const dots = Array.from(core.visibleDots());
      const cal = el.getCalibration();
      const ipd = Math.hypot(cal.rightPupil.x - cal.leftPupil.x, cal.rightPupil.y - cal.leftPupil.y);
      const eyes = (cal.leftPupil.y + cal.rightPupil.y) / 2;
      const read = (draw, w, h) => {
        const c = new OffscreenCanvas(w, h);
        const ctx = c.getContext('2d');
        draw(ctx);
        return ctx.getImageData(0, 0, w, h).data;
      };
      const img = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
      const out = read((ctx) => ctx.drawImage(img, 0, 0), img.width, img.height);
      const photo = read((ctx) => core.presentPhoto(ctx), img.width, img.height);
      const luma = (d, i) => 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
      let low = 0;
      let darker = 0;
      let faceChanged = 0;
      for (let i = 0; i < dots.length; i += 4) {
        const [x, y] = [Math.floor(dots[i]), Math.floor(dots[i + 1])];
        if (y > eyes - 0.35 * ipd) low++;
        const k = (y * img.width + x) * 4;
        if (luma(out, k) < luma(photo, k) - 0.5) darker++;
        // The same point moved down onto the face: untouched there.
        const yf = Math.floor(y + 1.2 * ipd);
        const kf = (yf * img.width + x) * 4;
        if (yf < img.height && Math.abs(luma(out, kf) - luma(photo, kf)) > 0.5) faceChanged++;
      }
      return { n: dots.length / 4, low, darker, faceChanged };
    }, shot.png);
    console.log(`snapshot: ${diff.n} dots, the export darker than the photo at ${diff.darker} of them; ${diff.faceChanged} changed on the face`);
    expect(diff.low).toBe(0);
    expect(diff.darker).toBeGreaterThan(0.6 * diff.n);
    expect(diff.faceChanged).toBe(0);
    expect(diff.n).toBeGreaterThan(200);
    expect(errors).toEqual([]);
  });
});

test.describe('the mirror\'s buttons', () => {
  test('over a photo: Mirror shows the camera mirrored, Take photo makes the frame the photo', async () => {
    const { page } = await cameraPage('still');
    const errors = watchErrors(page);
    await recordEvents(page);
    await page.goto('/');
    await choosePhoto(page, SHAVED.name);
    const mark = await eventMark(page);
    await page.locator(`${HV} .hv-stagebar .hv-mirror-btn`).click();
    await expect.poll(() => page.evaluate(() => window.__hvEvents.some((e) => e.type === 'mirror-frame' && e.detail.tracked))).toBe(true);
    const canvas = page.locator(`${HV} canvas.hv-mirror-canvas`);
    await expect(canvas).toHaveClass(/hv-mirrored/);
    expect(await canvas.evaluate((c) => getComputedStyle(c).transform)).toMatch(/^matrix\(-1, 0, 0, 1/);
    // The design controls stay live: a lower density shows on the mirror.
    const lastDots = () => page.evaluate(() => window.__hvEvents.filter((e) => e.type === 'mirror-frame' && e.detail.tracked).at(-1).detail.dots);
    const dense = await lastDots();
    await setRange(page, `${HV} #hv-density`, 40);
    await expect.poll(lastDots).toBeLessThan(dense * 0.75);
    // A drag on the mirror moves nothing under it.
    const before = await getDesign(page);
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 3 + 30, { steps: 4 });
    await page.mouse.up();
    expect(await getDesign(page)).toEqual(before);
    await page.locator(`${HV} .hv-shot`).click();
    const loaded = await nextEvent(page, mark, 'image-load');
    expect(loaded).toEqual({ width: 640, height: 480 });
    await expect(canvas).toHaveCount(0);
    const cal = await page.evaluate(() => document.querySelector('hairline-visualizer').getCalibration());
    expect(cal.source).toBe('tracked');
    expect(errors).toEqual([]);
  });
});

test.describe('the camera is released', () => {
  test('on stopMirror(), a hidden page, scrolling out of view and removal; the controls follow', async () => {
    const { page } = await cameraPage('still');
    const errors = watchErrors(page);
    await page.goto('/');
    const got = await page.evaluate(async () => {
      const streams = [];
      const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = async (c) => {
        const s = await gum(c);
        streams.push(s);
        return s;
      };
      const live = () => streams.at(-1).getTracks().some((t) => t.readyState === 'live');
      const el = document.querySelector('hairline-visualizer');
      const ui = () => {
        const shot = el.shadowRoot.querySelector('.hv-shot');
        const toggle = el.shadowRoot.querySelector('.hv-mirror-btn[aria-pressed]');
        return { shot: !shot.hidden, pressed: toggle.getAttribute('aria-pressed'), canvas: !!el.shadowRoot.querySelector('.hv-mirror-canvas') };
      };
      const out = {};
      const run = async (name, stop) => {
        el.scrollIntoView();
        await el.startMirror();
        const on = { live: live(), ...ui() };
        stop();
        await new Promise((r) => setTimeout(r, 300));
        out[name] = { on, off: { live: live(), ...ui() } };
      };
      await run('stopMirror', () => el.stopMirror());
      await run('hidden', () => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
        document.dispatchEvent(new Event('visibilitychange'));
      });
      delete document.visibilityState;
      document.body.style.paddingBottom = '4000px';
      await run('out of view', () => window.scrollTo(0, document.body.scrollHeight));
      await run('removed', () => el.remove());
      return out;
    });
    for (const [name, r] of Object.entries(got)) {
      expect(r.on, name).toEqual({ live: true, shot: true, pressed: 'true', canvas: true });
      expect(r.off, name).toEqual({ live: false, shot: false, pressed: 'false', canvas: false });
    }
    expect(errors).toEqual([]);
  });
});

test.describe('mirror without camera permission', () => {
  test('startMirror() rejects with camera-denied and a message in the visitor\'s language', async () => {
    const { page } = await cameraPage('still', { grant: false });
    await page.goto('/');
    const got = await page.evaluate(async () => {
      const el = document.querySelector('hairline-visualizer');
      const out = [];
      for (const lang of ['en', 'es']) {
        el.setAttribute('lang', lang);
        try {
          await el.startMirror();
          out.push({ ok: true });
        } catch (e) {
          out.push({ code: e.code, message: e.message, shown: el.shadowRoot.querySelector('.hv-message').textContent });
        }
      }
      return out;
    });
    expect(got[0].code).toBe('camera-denied');
    expect(got[1].code).toBe('camera-denied');
    expect(got[0].message).toMatch(/camera/i);
    expect(got[1].message).toMatch(/cámara/i);
    expect(got[1].shown).toBe(got[1].message);
  });
});
