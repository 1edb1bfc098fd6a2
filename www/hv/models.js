// The face and segmentation nets: in model-worker.js where a module worker
// starts, else on the page, one set per page.

import { assetUrl } from './core.js';

/** The weights the model worker runs (shipped next to the module in
 * models/, fetched only when a photo first needs them). */
const MODEL_FILES = [
  'tiny_face_detector_model-weights_manifest.json', 'tiny_face_detector_model.bin',
  'face_landmark_68_model-weights_manifest.json', 'face_landmark_68_model.bin',
  'selfie_segmentation.tflite',
];

let modelPromise = null;

/**
 * The face and segmentation nets, one set per page: in model-worker.js
 * (the nets never block the page), or on this thread where a module
 * worker cannot start. Resolves to {warmUp(), analyse(work, ipdMm),
 * segment(work, calibration)}, whose results are the worker's: {face,
 * segmentation} (or an error with the core's face `code`) and
 * {segmentation}.
 */
export function modelClient(glue, urls) {
  if (!modelPromise) {
    const models = Object.fromEntries(MODEL_FILES.map((name) => [name, assetUrl(`./models/${name}`).href]));
    modelPromise = workerModels(urls, models).catch((e) => {
      console.debug('<hairline-visualizer> model worker unavailable; the nets run on the page', e);
      return pageModels(glue, models);
    });
    modelPromise.catch(() => { modelPromise = null; });
  }
  return modelPromise;
}

async function workerModels(urls, models) {
  if (typeof Worker === 'undefined') throw new Error('no workers');
  const worker = new Worker(new URL('../model-worker.js', import.meta.url), { type: 'module' });
  const pending = new Map();
  let next = 0;
  const failAll = (error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.onmessage = (e) => {
    const p = pending.get(e.data.id);
    if (!p) return;
    pending.delete(e.data.id);
    if (e.data.ok) p.resolve(e.data);
    else p.reject(Object.assign(new Error(e.data.error), e.data.code ? { code: e.data.code } : {}));
  };
  worker.onerror = (e) => {
    e.preventDefault?.();
    failAll(new Error(e.message || 'the model worker stopped'));
    worker.terminate();
    modelPromise = null; // the next photo starts a new one
  };
  const call = (msg, transfer = []) => new Promise((resolve, reject) => {
    const id = ++next;
    pending.set(id, { resolve, reject });
    worker.postMessage({ ...msg, id }, transfer);
  });
  // A worker that never answers must not hold a photo for ever.
  await Promise.race([
    call({ kind: 'init', glue: urls.glue, wasm: urls.wasm, models }),
    new Promise((_, reject) => setTimeout(() => reject(new Error('the model worker did not start')), 60000)),
  ]).catch((e) => {
    worker.terminate();
    throw e;
  });
  const copy = (work) => ({ data: work.data, width: work.width, height: work.height, step: work.step });
  return {
    warmUp: () => call({ kind: 'warm-up' }),
    analyse: (work, ipdMm) => call({ kind: 'analyse', ...copy(work), ipdMm }, [work.data.buffer]),
    segment: (work, c) => call(
      { kind: 'segment', ...copy(work), leftPupil: c.leftPupil, rightPupil: c.rightPupil, ipdMm: c.ipdMm },
      [work.data.buffer],
    ),
  };
}

async function pageModels(glue, models) {
  const get = async (name, kind) => {
    const res = await fetch(models[name]);
    if (!res.ok) throw new Error(`models/${name}: HTTP ${res.status}`);
    return kind === 'text' ? res.text() : new Uint8Array(await res.arrayBuffer());
  };
  const [dm, db, lm, lb, person] = await Promise.all([
    get(MODEL_FILES[0], 'text'), get(MODEL_FILES[1]), get(MODEL_FILES[2], 'text'), get(MODEL_FILES[3]), get(MODEL_FILES[4]),
  ]);
  const analyst = new glue.Analyst(dm, db, lm, lb, person);
  return {
    warmUp: async () => analyst.warmUp(),
    analyse: async (work, ipdMm) => {
      const face = analyst.analyse(work.data, work.width, work.height, work.step, ipdMm);
      return { face, segmentation: analyst.takeSegmentation() ?? null };
    },
    segment: async (work, c) => {
      const { leftPupil: l, rightPupil: r } = c;
      analyst.segment(work.data, work.width, work.height, work.step, l.x, l.y, r.x, r.y, c.ipdMm);
      return { segmentation: analyst.takeSegmentation() ?? null };
    },
  };
}
