// Finds the face and segments the photo (hair, scalp, face, body,
// backdrop) off the main thread, with its own instance of the same
// WebAssembly build: the nets take about a second on a phone, which on the
// page's thread would freeze it. It works on the photo's reduced working
// copy (at most 640 px a side); the page finishes on the full photo.
//
// Messages in (one at a time, answered in order):
//   {id, kind: 'init', glue, wasm, models: {name: URL}}
//   {id, kind: 'warm-up'}
//   {id, kind: 'analyse', data, width, height, step, ipdMm}
//   {id, kind: 'segment', data, width, height, step, leftPupil, rightPupil, ipdMm}
// Out: {id, ok: true, ...result} or {id, ok: false, error, code} (`code`
// from the core: no-face, several-faces, …); `analyse` gives {face,
// segmentation} (the located face as a Float32Array for
// Visualizer.placeLocated), `segment` gives {segmentation} (a Uint8Array,
// transferred, or null).
let analyst = null;
let sources = null;
// A Rust panic here is logged; the instance is then unusable, so the next
// request loads a fresh one.
self.__hairlineVisualizerPanic = (message) => console.error('<hairline-visualizer> model worker:', message);

async function init({ glue, wasm, models }) {
  sources = { glue, wasm, models };
  const core = await import(glue);
  await core.default({ module_or_path: wasm });
  const get = async (name, kind) => {
    const res = await fetch(models[name]);
    if (!res.ok) throw new Error(`models/${name}: HTTP ${res.status}`);
    return kind === 'text' ? res.text() : new Uint8Array(await res.arrayBuffer());
  };
  const [dm, db, lm, lb, person] = await Promise.all([
    get('tiny_face_detector_model-weights_manifest.json', 'text'),
    get('tiny_face_detector_model.bin'),
    get('face_landmark_68_model-weights_manifest.json', 'text'),
    get('face_landmark_68_model.bin'),
    get('selfie_segmentation.tflite'),
  ]);
  analyst = new core.Analyst(dm, db, lm, lb, person);
}

function take() {
  const s = analyst.takeSegmentation();
  return s ? { segmentation: s, transfer: [s.buffer] } : { segmentation: null, transfer: [] };
}

let queue = Promise.resolve();
self.onmessage = (e) => {
  const msg = e.data;
  queue = queue.then(async () => {
    try {
      if (msg.kind === 'init') {
        if (!analyst) await init(msg);
        self.postMessage({ id: msg.id, ok: true });
        return;
      }
      if (!analyst && sources) await init(sources);
      if (!analyst) throw new Error('the models are not loaded');
      if (msg.kind === 'warm-up') {
        analyst.warmUp();
        self.postMessage({ id: msg.id, ok: true });
      } else if (msg.kind === 'analyse') {
        const face = analyst.analyse(msg.data, msg.width, msg.height, msg.step, msg.ipdMm);
        const { segmentation, transfer } = take();
        self.postMessage({ id: msg.id, ok: true, face, segmentation }, [face.buffer, ...transfer]);
      } else if (msg.kind === 'segment') {
        const { leftPupil: l, rightPupil: r } = msg;
        analyst.segment(msg.data, msg.width, msg.height, msg.step, l.x, l.y, r.x, r.y, msg.ipdMm);
        const { segmentation, transfer } = take();
        self.postMessage({ id: msg.id, ok: true, segmentation }, transfer);
      } else {
        throw new Error(`unknown request ${msg.kind}`);
      }
    } catch (err) {
      if (err instanceof WebAssembly.RuntimeError) analyst = null;
      self.postMessage({ id: msg.id, ok: false, error: String((err && err.message) || err), code: err?.code });
    }
  });
};
