// The live mirror off the page's thread (issue #15): camera frames come in
// as ImageBitmaps (transferred, no copy), are drawn into the on-screen
// canvas the page handed over (OffscreenCanvas), and the core (its own
// instance of the same WebAssembly build, src/wasm.rs `Mirror`) reads
// them from there, tracks the face, and puts the frame back with the
// design drawn on the head. The page only posts frames and shows events.
// Frames are never stored or sent anywhere; the last one stays in WASM
// memory only until the next replaces it (or a snapshot asks for it).
//
// Messages in:
//   {kind: 'init', glue, wasm, models: {name: URL}, canvas, design, ipdMm}
//   {kind: 'field', seed, data}           the dot field (from dotField)
//   {kind: 'design', design, ipdMm}       design JSON text
//   {kind: 'frame', frame, t, probe?}     an ImageBitmap (closed here); probe: [[x, y], …] (tests)
//   {kind: 'snapshot'}                    the last frame, without dots
// Out:
//   {kind: 'ready'} | {kind: 'error', error, code}
//   {kind: 'frame', report, workerMs, probe?}
//   {kind: 'snapshot', bitmap, width, height} (bitmap transferred, or null)

let core = null;
let mirror = null;
let canvas = null;
let ctx = null;
self.__hairlineVisualizerPanic = (message) => console.error('<hairline-visualizer> mirror worker:', message);

async function init({ glue, wasm, models, design, ipdMm }) {
  core = await import(glue);
  await core.default({ module_or_path: wasm });
  const get = async (name, kind) => {
    const res = await fetch(models[name]);
    if (!res.ok) throw new Error(`models/${name}: HTTP ${res.status}`);
    return kind === 'text' ? res.text() : new Uint8Array(await res.arrayBuffer());
  };
  const [dm, db, lm, lb] = await Promise.all([
    get('tiny_face_detector_model-weights_manifest.json', 'text'),
    get('tiny_face_detector_model.bin'),
    get('face_landmark_68_model-weights_manifest.json', 'text'),
    get('face_landmark_68_model.bin'),
  ]);
  mirror = new core.Mirror(dm, db, lm, lb);
  if (design) mirror.setDesign(design);
  if (ipdMm) mirror.setIpdMm(ipdMm);
}

function frame({ frame: bitmap, t, probe }) {
  const t0 = performance.now();
  try {
    const { width, height } = bitmap;
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    ctx.drawImage(bitmap, 0, 0);
    let probed;
    if (probe) {
      probed = probe.map(([x, y]) => Array.from(ctx.getImageData(x, y, 1, 1).data.subarray(0, 3)));
    }
    const report = mirror.frame(ctx, width, height, t);
    self.postMessage({ kind: 'frame', report, workerMs: performance.now() - t0, probe: probed });
  } finally {
    bitmap.close();
  }
}

function snapshot() {
  const [width, height] = [canvas.width, canvas.height];
  const shot = new OffscreenCanvas(width, height);
  mirror.presentFrame(shot.getContext('2d'));
  const bitmap = shot.transferToImageBitmap();
  self.postMessage({ kind: 'snapshot', bitmap, width, height }, [bitmap]);
}

let queue = Promise.resolve();
self.onmessage = (e) => {
  const msg = e.data;
  queue = queue.then(async () => {
    try {
      if (msg.kind === 'init') {
        canvas = msg.canvas;
        ctx = canvas.getContext('2d', { willReadFrequently: true, alpha: false });
        await init(msg);
        self.postMessage({ kind: 'ready' });
      } else if (!mirror) {
        msg.frame?.close?.();
      } else if (msg.kind === 'frame') {
        frame(msg);
      } else if (msg.kind === 'field') {
        mirror.setField(msg.seed, msg.data);
      } else if (msg.kind === 'design') {
        mirror.setDesign(msg.design);
        if (msg.ipdMm) mirror.setIpdMm(msg.ipdMm);
      } else if (msg.kind === 'snapshot') {
        snapshot();
      }
    } catch (err) {
      if (err instanceof WebAssembly.RuntimeError) mirror = null;
      self.postMessage({ kind: 'error', of: msg.kind, error: String((err && err.message) || err), code: err?.code });
    }
  });
};
