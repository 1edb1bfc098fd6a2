// The live mirror (issue #15), page side: the camera, the frame loop, and
// where the work runs. Frames go to mirror-worker.js as transferred
// ImageBitmaps; the worker tracks, draws the design on the head and shows
// the result in the stage's mirror canvas (handed to it as an
// OffscreenCanvas), so the page only posts frames. Where workers or
// OffscreenCanvas are missing the same core object (`Mirror`, src/wasm.rs)
// runs here on frames scaled down to FALLBACK_WIDTH.
//
// Privacy: frames are read from the camera into the worker (or this
// thread) and drawn; none is stored or sent. Only snapshot() keeps one,
// and only because the visitor asked for it to become the photo.

import { assetUrl } from './core.js';
import { el } from './dom.js';
import { VisualizerError } from './errors.js';
import { fieldFor } from './workers.js';

/** Frame width on the main-thread fallback (the page must stay usable). */
export const FALLBACK_WIDTH = 320;

const MODEL_FILES = [
  'tiny_face_detector_model-weights_manifest.json', 'tiny_face_detector_model.bin',
  'face_landmark_68_model-weights_manifest.json', 'face_landmark_68_model.bin',
];

/** Whether this browser can show a camera at all. */
export function mirrorSupported() {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

/** Whether frames can be tracked off the main thread here. */
export function workerMirrorSupported() {
  return typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined'
    && typeof createImageBitmap === 'function'
    && typeof HTMLCanvasElement !== 'undefined' && typeof HTMLCanvasElement.prototype.transferControlToOffscreen === 'function';
}

/** getUserMedia's failure as the element's error (`t`: the strings). */
export function cameraError(e, t) {
  const name = e?.name;
  let code = 'no-camera'; // NotFoundError, OverconstrainedError, no mediaDevices
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') code = 'camera-denied';
  else if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') code = 'camera-busy';
  return new VisualizerError(code, t.errors[code]);
}

const modelUrls = () => Object.fromEntries(MODEL_FILES.map((n) => [n, assetUrl(`./models/${n}`).href]));

/** The mirror in mirror-worker.js, drawing into `canvas` (transferred). */
async function workerBackend(canvas, { urls, design, ipdMm }) {
  const worker = new Worker(new URL('../mirror-worker.js', import.meta.url), { type: 'module' });
  const off = canvas.transferControlToOffscreen();
  let waiting = null; // {resolve, reject, kind}
  let failed = null;
  const expect = (kind) => new Promise((resolve, reject) => {
    if (failed) reject(failed);
    else waiting = { resolve, reject, kind };
  });
  worker.onmessage = (e) => {
    const m = e.data;
    const w = waiting;
    if (!w) return;
    if (m.kind === 'error') {
      waiting = null;
      w.reject(Object.assign(new Error(m.error), { code: m.code }));
    } else if (m.kind === w.kind) {
      waiting = null;
      w.resolve(m);
    }
  };
  worker.onerror = (e) => {
    e.preventDefault?.();
    failed = new Error(e.message || 'the mirror worker stopped');
    waiting?.reject(failed);
    waiting = null;
  };
  const ready = expect('ready');
  worker.postMessage({ kind: 'init', glue: urls.glue, wasm: urls.wasm, models: modelUrls(), canvas: off, design, ipdMm }, [off]);
  await ready;
  return {
    thread: 'worker',
    field: (seed, data) => worker.postMessage({ kind: 'field', seed, data }),
    design: (json, mm) => worker.postMessage({ kind: 'design', design: json, ipdMm: mm }),
    async process(video, t, probe) {
      const frame = await createImageBitmap(video);
      const reply = expect('frame');
      worker.postMessage({ kind: 'frame', frame, t, probe }, [frame]);
      const m = await reply;
      return { report: m.report, probe: m.probe, scale: 1 };
    },
    async snapshot() {
      const reply = expect('snapshot');
      worker.postMessage({ kind: 'snapshot' });
      return (await reply).bitmap;
    },
    close: () => worker.terminate(),
  };
}

/** The mirror on this thread, on frames FALLBACK_WIDTH wide at most. */
async function pageBackend(canvas, { glue, design, ipdMm }) {
  const models = modelUrls();
  const get = async (name, kind) => {
    const res = await fetch(models[name]);
    if (!res.ok) throw new Error(`models/${name}: HTTP ${res.status}`);
    return kind === 'text' ? res.text() : new Uint8Array(await res.arrayBuffer());
  };
  const [dm, db, lm, lb] = await Promise.all([get(MODEL_FILES[0], 'text'), get(MODEL_FILES[1]), get(MODEL_FILES[2], 'text'), get(MODEL_FILES[3])]);
  const mirror = new glue.Mirror(dm, db, lm, lb);
  if (design) mirror.setDesign(design);
  if (ipdMm) mirror.setIpdMm(ipdMm);
  const ctx = canvas.getContext('2d', { willReadFrequently: true, alpha: false });
  let last = null;
  return {
    thread: 'page',
    field: (seed, data) => mirror.setField(seed, data),
    design: (json, mm) => {
      mirror.setDesign(json);
      if (mm) mirror.setIpdMm(mm);
    },
    async process(video, t, probe) {
      const scale = Math.min(1, FALLBACK_WIDTH / video.videoWidth);
      const w = Math.max(1, Math.round(video.videoWidth * scale));
      const h = Math.max(1, Math.round(video.videoHeight * scale));
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
      }
      ctx.drawImage(video, 0, 0, w, h);
      const probed = probe?.map(([x, y]) => Array.from(ctx.getImageData(x * scale, y * scale, 1, 1).data.subarray(0, 3)));
      // The full-resolution frame a snapshot would take is this one.
      last = video;
      return { report: mirror.frame(ctx, w, h, t), probe: probed, scale };
    },
    // The camera's frame now, at its full resolution (one frame after the
    // last tracked one at most).
    snapshot: () => createImageBitmap(last),
    close: () => mirror.free(),
  };
}

/**
 * One mirror session in `stage` (the element's stage): `start()` asks for
 * the camera and resolves with the camera frames' {width, height} once the
 * first tracked frame is on screen. It stops by itself when the element
 * leaves the viewport or the page is hidden (calling `onStop(reason)`).
 */
export class MirrorSession {
  constructor(host, { stage, t, glue, urls, design, ipdMm, field, facingMode = 'user', onFrame, onStop, onStatus, probe }) {
    Object.assign(this, { host, stage, t, glue, urls, design, ipdMm, field, facingMode, onFrame, onStop, onStatus, probe });
    this.stopped = false;
    this.last = null; // the last frame's detail
    this.log = probe ? [] : null; // frames with probed pixels (tests only)
    this._times = [];
    this._busy = false;
  }

  async start() {
    const { t } = this;
    if (!mirrorSupported()) throw new VisualizerError('no-camera', t.errors['no-camera']);
    this.onStatus?.(t.mirrorStarting);
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: this.facingMode, width: { ideal: 640 }, height: { ideal: 480 } },
      });
    } catch (e) {
      throw cameraError(e, t);
    }
    this._cancelIf();
    const video = el('video', { class: 'hv-mirror-video', muted: '', playsinline: '', 'aria-hidden': 'true' });
    video.muted = true;
    video.srcObject = this.stream;
    this.video = video;
    this.canvas = el('canvas', { class: 'hv-mirror-canvas', part: 'mirror', role: 'img', 'aria-label': t.mirror });
    // The front camera is shown as a mirror image, as people expect.
    const front = (this.stream.getVideoTracks()[0]?.getSettings?.().facingMode ?? this.facingMode) !== 'environment';
    this.canvas.classList.toggle('hv-mirrored', front);
    // Drags and zooms on the mirror are not for the photo under it.
    for (const type of ['pointerdown', 'wheel']) this.canvas.addEventListener(type, (e) => e.stopPropagation());
    this.stage.append(video, this.canvas);
    try {
      await video.play();
    } catch (e) {
      throw cameraError(e, t);
    }
    this._cancelIf();
    const opts = { glue: this.glue, urls: this.urls, design: this.design, ipdMm: this.ipdMm };
    this.backend = null;
    if (workerMirrorSupported()) {
      try {
        this.backend = await workerBackend(this.canvas, opts);
      } catch (e) {
        console.debug('<hairline-visualizer> mirror worker unavailable; tracking on the page', e);
        // The canvas was handed to the worker: the page needs a new one.
        const fresh = el('canvas', { class: this.canvas.className, part: 'mirror', role: 'img', 'aria-label': t.mirror });
        for (const type of ['pointerdown', 'wheel']) fresh.addEventListener(type, (e) => e.stopPropagation());
        this.canvas.replaceWith(fresh);
        this.canvas = fresh;
      }
    }
    if (!this.backend) this.backend = await pageBackend(this.canvas, opts);
    if (this.stopped) {
      this.backend.close();
      this._cancelIf();
    }
    const field = await this.field;
    if (field && !this.stopped) this.backend.field(field.seed, field.data);
    this._watch();
    this.onStatus?.(t.mirrorLooking);
    const first = new Promise((resolve, reject) => { this._first = { resolve, reject }; });
    this._schedule();
    return first;
  }

  _cancelIf() {
    if (this.stopped) throw new VisualizerError('cancelled', this.t.errors.cancelled);
  }

  /** Stop when the page is hidden, the element scrolls out of view, or the camera goes. */
  _watch() {
    this._onVisibility = () => { if (document.visibilityState === 'hidden') this.stop('hidden'); };
    document.addEventListener('visibilitychange', this._onVisibility);
    this._io = new IntersectionObserver((entries) => {
      if (entries.some((e) => !e.isIntersecting)) this.stop('out-of-view');
    });
    this._io.observe(this.host);
    for (const track of this.stream.getTracks()) track.addEventListener('ended', () => this.stop('ended'));
  }

  /** Wait for the camera's next frame (one callback registered at a time). */
  _schedule() {
    if (this.stopped || this.paused || this._scheduled) return;
    this._scheduled = true;
    const v = this.video;
    const next = () => {
      this._scheduled = false;
      // Without frame callbacks: only new frames.
      if (typeof v.requestVideoFrameCallback === 'function' || v.currentTime !== this._lastTime) {
        this._lastTime = v.currentTime;
        this._pending = true;
        this._pump();
      }
      this._schedule();
    };
    if (typeof v.requestVideoFrameCallback === 'function') v.requestVideoFrameCallback(next);
    else requestAnimationFrame(next);
  }

  /** Track the newest frame, one at a time: a frame that arrives while
   * one is being tracked is taken as soon as that one is shown (frames in
   * between are dropped), so the loop never idles while the camera has a
   * new frame. */
  async _pump() {
    const v = this.video;
    if (this._busy || !this._pending || this.stopped || this.paused || !v.videoWidth) return;
    this._pending = false;
    this._busy = true;
    const t0 = performance.now();
    try {
      const { report, probe, scale } = await this.backend.process(v, t0, this.probe);
      if (this.stopped) return;
      this._shown(report, probe, scale, performance.now() - t0);
    } catch (e) {
      if (!this.stopped) {
        this._first?.reject(new VisualizerError('internal', this.t.errors.internal));
        this.stop('error', e);
      }
    } finally {
      this._busy = false;
    }
    this._pump();
  }

  _shown(r, probe, scale, ms) {
    const now = performance.now();
    this._times.push(now);
    while (this._times.length && this._times[0] < now - 1000) this._times.shift();
    const px = (p) => ({ x: p.x / scale, y: p.y / scale });
    const detail = {
      fps: this._times.length > 1 ? ((this._times.length - 1) * 1000) / (now - this._times[0]) : 0,
      ms,
      tracked: r.tracked,
      leftPupil: px(r.leftPupil),
      rightPupil: px(r.rightPupil),
      roll: r.roll,
      yaw: r.yaw,
      pitch: r.pitch,
      width: this.video.videoWidth,
      height: this.video.videoHeight,
      dots: r.dots,
      thread: this.backend.thread,
      stages: r.stages,
    };
    this.last = detail;
    if (this.log) this.log.push({ detail, probe });
    this.onFrame?.(detail);
    if (r.tracked && this._first) {
      this._first.resolve({ width: detail.width, height: detail.height });
      this._first = null;
      this.onStatus?.(this.t.mirrorLive);
    }
  }

  setDesign(json, ipdMm) {
    this.design = json;
    this.ipdMm = ipdMm;
    if (!this.stopped) this.backend?.design(json, ipdMm);
  }

  /** The last tracked camera frame at the camera's resolution, and what
   * was measured on it: {bitmap, width, height, frame} (`frame` the last
   * `mirror-frame` detail). Pauses the loop. */
  async snapshot() {
    this.paused = true;
    while (this._busy) await new Promise((r) => setTimeout(r, 5));
    this._cancelIf();
    const bitmap = await this.backend.snapshot();
    return { bitmap, width: bitmap.width, height: bitmap.height, frame: this.last };
  }

  stop(reason = 'stopped', cause) {
    if (this.stopped) return;
    this.stopped = true;
    if (cause) console.debug('<hairline-visualizer> mirror stopped:', cause);
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    if (this.video) this.video.srcObject = null;
    this.video?.remove();
    this.canvas?.remove();
    this.backend?.close();
    this._io?.disconnect();
    if (this._onVisibility) document.removeEventListener('visibilitychange', this._onVisibility);
    this._first?.reject(new VisualizerError('cancelled', this.t.errors.cancelled));
    this._first = null;
    this.onStop?.(reason);
  }
}

// ---------------------------------------------------------------- the element's side
// What <hairline-visualizer> forwards to (startMirror, stopMirror,
// snapshot): kept here so the element only holds a few lines for it.

/** The mirror's buttons, for the element to place: the toggle for the
 * stage bar and the empty stage, and the "Take photo" button. */
export function mirrorControls(host) {
  const make = (cls) => el('button', { type: 'button', class: `hv-btn ${cls}`, part: 'button' });
  const toggles = [make('hv-toggle hv-mirror-btn'), make('hv-mirror-btn')];
  const shot = make('hv-primary hv-shot');
  for (const b of toggles) {
    b.addEventListener('click', () => {
      if (host._mirror) stopMirror(host);
      else startMirror(host).catch(() => { /* reported through the error event */ });
    });
  }
  // The stage's own pointer handling (drags, pans, pointer capture, which
  // would take the click from the button) is not for the mirror.
  shot.addEventListener('pointerdown', (e) => e.stopPropagation());
  shot.addEventListener('click', () => snapshot(host).catch((e) => {
    if (e.code !== 'cancelled') host._report(e instanceof VisualizerError ? e : new VisualizerError('internal', host._t.errors.internal), e);
  }));
  host._mirrorUi = { toggles, shot };
  syncMirror(host);
  return { bar: toggles[0], empty: toggles[1], shot };
}

/** Labels and visibility of the mirror's controls. */
export function syncMirror(host) {
  const ui = host._mirrorUi;
  if (!ui) return;
  const t = host._t;
  const on = !!host._mirror;
  for (const b of ui.toggles) {
    b.hidden = !mirrorSupported();
    b.textContent = on ? t.mirrorStop : t.mirror;
    b.disabled = false;
  }
  ui.toggles[0].setAttribute('aria-pressed', String(on));
  ui.shot.textContent = t.mirrorShot;
  ui.shot.hidden = !on;
  host._stage?.classList.toggle('hv-mirroring', on);
}

export async function startMirror(host, { facingMode = 'user' } = {}) {
  stopMirror(host);
  const t = host._t;
  if (facingMode !== 'user' && facingMode !== 'environment') facingMode = 'user';
  if (!mirrorSupported()) {
    const err = new VisualizerError('no-camera', t.errors['no-camera']);
    host._report(err);
    throw err;
  }
  let session = null;
  try {
    await host._ensureCore();
    const seed = host.getDesign().seed;
    session = new MirrorSession(host, {
      stage: host._stage,
      t,
      glue: host._glue,
      urls: host._wasmUrls,
      design: host._vis.designJson(),
      ipdMm: host._ipdMm(),
      field: fieldFor(seed, host._wasmUrls).then((data) => data && { seed, data }),
      facingMode,
      probe: host._mirrorProbe,
      onFrame: (detail) => host.dispatchEvent(new CustomEvent('mirror-frame', { detail })),
      onStatus: (text) => host._showMessage(text),
      onStop: () => {
        if (host._mirror !== session) return;
        host._mirror = null;
        syncMirror(host);
        host._syncControls();
        host._showMessage(null);
        host._requestRender();
      },
    });
    host._mirror = session;
    host._mirrorLog = session.log;
    syncMirror(host);
    host._syncControls();
    return await session.start();
  } catch (e) {
    session?.stop('error');
    const err = e instanceof VisualizerError ? e : new VisualizerError('internal', t.errors.internal);
    if (err.code !== 'cancelled') host._report(err, e);
    throw err;
  }
}

export function stopMirror(host) {
  host._mirror?.stop('stopped');
}

/** Forward the design (and the IPD) to a running mirror. */
export function mirrorDesign(host) {
  const m = host._mirror;
  if (!m || !host._vis) return;
  const json = host._vis.designJson();
  const mm = host._ipdMm();
  if (json !== m.design || mm !== m.ipdMm) m.setDesign(json, mm);
}

export async function snapshot(host) {
  const t = host._t;
  const m = host._mirror;
  if (!m) throw new VisualizerError('no-mirror', t.errors.noMirror);
  const { bitmap, width, height, frame } = await m.snapshot();
  stopMirror(host);
  try {
    await host.loadImage(bitmap);
  } finally {
    bitmap.close();
  }
  // The tracker measured this very frame: its pupils are the calibration
  // (and the face is not searched for again). Without a face the photo
  // is placed automatically like any other.
  if (frame?.tracked && frame.width === width && frame.height === height) {
    host._autoPlacePending = false;
    const { leftPupil: l, rightPupil: r } = frame;
    try {
      host._vis.setCalibration(l.x, l.y, r.x, r.y, host._ipdMm(), 'tracked', frame.yaw);
      host._noFace = false;
      host._segmentForCalibration();
      host._suggestShade();
      host._committed();
    } catch (e) {
      host._autoPlacePending = host.getAttribute('auto-place') !== 'off';
      console.debug('<hairline-visualizer> tracked calibration refused; placing automatically', e);
      host._requestRender();
    }
  }
  return { width, height };
}
