// Work off the page's thread or in idle time: the dot field (field
// worker), reading a photo's pixels (decode worker), the core's warm-ups.

import { modelClient } from './models.js';

/** Dot fields by seed: generated once per page in a worker (a second or so
 * of work on a phone that would otherwise freeze the first preview).
 * Resolves to the flat numbers for `Visualizer.setField`, or null where
 * workers are unavailable (the core then generates it itself). */
const fields = new Map();
export function fieldFor(seed, urls) {
  if (!fields.has(seed)) {
    const promise = new Promise((resolve) => {
      if (typeof Worker === 'undefined') {
        resolve(null);
        return;
      }
      let worker;
      let timer;
      const done = (data) => {
        clearTimeout(timer);
        worker?.terminate();
        resolve(data);
        // Failed: the next photo tries again (after the map holds this one).
        if (!data) queueMicrotask(() => { if (fields.get(seed) === promise) fields.delete(seed); });
      };
      // A worker that never answers must not hold up a photo for ever.
      timer = setTimeout(() => done(null), 30000);
      try {
        worker = new Worker(new URL('../field-worker.js', import.meta.url), { type: 'module' });
        worker.onmessage = (e) => done(e.data.seed === seed && e.data.data instanceof Float32Array ? e.data.data : null);
        worker.onerror = () => done(null);
        worker.postMessage({ ...urls, seed });
      } catch {
        done(null);
      }
    });
    fields.set(seed, promise);
  }
  return fields.get(seed);
}

/** Resolves in a new task (after the browser may paint and handle input). */
export function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Run `fn` once the page is idle (or after a while where the browser
 * cannot tell). */
export function whenIdle(fn) {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(fn, { timeout: 2000 });
  else setTimeout(fn, 300);
}

let coreWarmed = false;

/** Take a small synthetic portrait through the core once per page, in idle
 * time: WebAssembly code runs unoptimised until it proves hot, so without
 * this the visitor's first photo would be taken in and drawn by slower code
 * (see Engine::warm_up). */
export function warmUpCore(glue) {
  if (coreWarmed) return;
  coreWarmed = true;
  whenIdle(() => {
    try {
      glue.Visualizer.warmUp();
    } catch (e) {
      console.debug('<hairline-visualizer> warm-up skipped', e);
    }
  });
}

let modelsWarmed = false;

/** Load the nets in the model worker and run them once on tiny inputs,
 * while a photo is being decoded, so the first photo runs optimised code. */
export function warmUpModels(glue, urls) {
  if (modelsWarmed) return;
  modelsWarmed = true;
  modelClient(glue, urls).then((m) => m.warmUp()).catch(() => { modelsWarmed = false; });
}

let decodeWorker = null;
let decodeQueue = Promise.resolve();

/** RGBA pixels of `bitmap` scaled to width×height, read in a worker when
 * the browser allows (no main-thread freeze for camera-sized photos):
 * `{pixels, work}`, where `work` is the photo scaled to `workSize`
 * ([w, h], or null for none) when the worker made it, else null.
 * Requests from several widgets take turns on the one worker. */
export function readPixels(bitmap, width, height, workSize) {
  const job = decodeQueue.then(() => readPixelsNow(bitmap, width, height, workSize));
  decodeQueue = job.catch(() => {});
  return job;
}

async function readPixelsNow(bitmap, width, height, workSize) {
  if (typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined') {
    try {
      decodeWorker ||= new Worker(new URL('../decode-worker.js', import.meta.url));
      // The worker closes what it is given; keep the caller's bitmap usable.
      const copy = await createImageBitmap(bitmap);
      const reply = await new Promise((resolve, reject) => {
        decodeWorker.onmessage = (e) => resolve(e.data);
        decodeWorker.onerror = (e) => reject(e);
        decodeWorker.postMessage({ bitmap: copy, width, height, work: workSize }, [copy]);
      });
      if (reply.pixels) {
        return { pixels: new Uint8ClampedArray(reply.pixels), work: reply.work ? new Uint8ClampedArray(reply.work) : null };
      }
    } catch {
      decodeWorker = null; // fall back to the main thread below
    }
  }
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, width, height);
  return { pixels: ctx.getImageData(0, 0, width, height).data, work: null };
}
