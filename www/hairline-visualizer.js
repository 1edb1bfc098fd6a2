// <hairline-visualizer>: scalp-micropigmentation preview on the visitor's own
// photo. The Rust core (./pkg, WebAssembly) does all the image work; this
// module is the element: UI, input, events, and the public JS API.
//
// Public API (stable, documented in README.md; types in
// hairline-visualizer.d.ts, which tests/e2e/structure.spec.mjs compares
// with this element):
//   methods   await el.loadImage(source)   File | Blob | URL string | ImageBitmap | HTMLImageElement
//             el.getDesign() -> object     el.setDesign(object)
//             el.setCalibration({leftPupil: {x, y}, rightPupil: {x, y}, ipdMm?})
//             el.getCalibration() -> {leftPupil, rightPupil, ipdMm, source}
//             await el.toBlob({type, quality}) -> Blob at the photo's full resolution
//             await el.autoPlace() -> {leftPupil, rightPupil, glabella, roll, pxPerMm, confidence, ms}
//             await el.designBrief() -> A4 PNG Blob     await el.requestConsultation()
//             el.shareLink() -> URL     el.undo()  el.redo()  el.clearPhoto()
//             await el.startMirror({facingMode}) -> {width, height}   el.stopMirror()
//             await el.snapshot() -> {width, height}   (the live mirror: hv/mirror.js)
//   events    ready, image-load {width, height}, design-change (design),
//             render {width, height, dots, ms}, auto-place (as autoPlace()),
//             error {code, message}, consult-request (cancelable),
//             mirror-frame {fps, ms, tracked, leftPupil, rightPupil, roll, yaw, pitch, …}
//   attributes src, lang, clinic-name, cta-label, cta-href, accent,
//             default-style, default-shade, max-megapixels, auto-place,
//             base-url; all but lang reflected as properties (clinicName, …,
//             autoPlacement for auto-place)
//   tests     read inside an element only through hv/test-hook.js

import { designError, formatNumber, strings, visitorMessage } from './i18n.js';
import { guard, liveElements, loadWasm, useBaseUrl } from './hv/core.js';
import { clamp, downloadBlob, el, isFiniteNumber, looksLikeHeic, svg, warn } from './hv/dom.js';
import { VisualizerError } from './hv/errors.js';
import * as exporter from './hv/export.js';
import { modelClient } from './hv/models.js';
import { mirrorControls, mirrorDesign, snapshot, startMirror, stopMirror, syncMirror } from './hv/mirror.js';
import { fieldFor, nextTask, readPixels, warmUpCore, warmUpModels } from './hv/workers.js';

export { simdSupported } from './hv/core.js';

const MODULE_URL = import.meta.url;
const DEFAULT_MAX_MEGAPIXELS = 16;
const MAX_ZOOM = 12;
const STYLES = ['natural', 'soft', 'defined', 'mature', 'widows-peak'];
const SHADES = ['I', 'II', 'III', 'IV', 'V', 'VI'];
const HAIRS = ['dark', 'brown', 'blond', 'grey', 'white'];
const HISTORY_LIMIT = 100;

// ---------------------------------------------------------------- element

export class HairlineVisualizer extends HTMLElement {
  static get observedAttributes() {
    return ['src', 'lang', 'clinic-name', 'max-megapixels', 'cta-label', 'cta-href', 'accent', 'default-style', 'default-shade', 'auto-place', 'base-url'];
  }

  constructor() {
    super();
    this._root = this.attachShadow({ mode: 'open' });
    this._t = strings(this.getAttribute('lang'));
    this._vis = null;
    this._wasm = null;
    this._photo = null; // {width, height}
    this._lastIntake = null; // {width, height, workingCopy}: how the last photo came in (test hook)
    this._photoEpoch = 0; // bumped by clearPhoto()
    this._loadTickets = 0; // loadImage() calls so far
    this._takenTicket = 0; // the latest call whose photo was taken in
    this._takingIn = Promise.resolve(); // the photo being taken in (see _takeIn)
    this._view = { zoom: 1, cx: 0, cy: 0 };
    this._mode = 'move';
    this._brushMm = null; // the brush radius (mm); from the core's defaults once it loads
    this._split = 0.5;
    this._compare = false;
    this._undo = [];
    this._redo = [];
    this._calTaps = [];
    this._pointers = new Map();
    this._drag = null;
    this._frameRequested = false;
    this._ready = false;
    this._build();
  }

  // ---- lifecycle ------------------------------------------------------

  connectedCallback() {
    liveElements.add(this);
    this._resizeObserver = new ResizeObserver(() => this._requestRender());
    this._resizeObserver.observe(this._stage);
    // Load the core when the element first comes near the viewport.
    this._io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        this._io.disconnect();
        this._ensureCore().catch(() => {});
      }
    }, { rootMargin: '200px' });
    this._io.observe(this);
    this._onPaste = (e) => this._handlePaste(e);
    document.addEventListener('paste', this._onPaste);
    this._applyLang();
  }

  disconnectedCallback() {
    liveElements.delete(this);
    stopMirror(this);
    this._resizeObserver?.disconnect();
    this._io?.disconnect();
    document.removeEventListener('paste', this._onPaste);
    // Free the session's WASM memory (photo, buffers); a re-attached element
    // starts a fresh one.
    if (this._vis) {
      this._vis.free();
      this._vis = null;
      this._photo = null;
      this._corePromise = null;
      this._ready = false;
      this._undo = [];
      this._redo = [];
      this._syncControls();
    }
  }

  attributeChangedCallback(name, oldValue, value) {
    if (oldValue === value) return;
    if (name === 'lang') this._applyLang();
    else if (name === 'clinic-name') this._clinic.textContent = value || '';
    else if (name === 'src' && value) {
      this.loadImage(value).catch(() => { /* reported through the error event */ });
    } else if (name === 'max-megapixels' && value != null) {
      const n = Number(value);
      if (!(n >= 1 && n <= 64)) warn(`max-megapixels="${value}" ignored; use a number from 1 to 64`);
    } else if (name === 'cta-label' || name === 'cta-href') {
      this._syncCta();
    } else if (name === 'accent') {
      if (value && typeof CSS !== 'undefined' && CSS.supports('color', value)) {
        this.style.setProperty('--hv-accent', value);
      } else {
        this.style.removeProperty('--hv-accent');
        if (value) warn(`accent="${value}" ignored; use a CSS colour such as #1f6f78`);
      }
    } else if (name === 'base-url' && this._vis) {
      warn('base-url only takes effect before the widget first loads');
    } else if (name === 'auto-place') {
      if (value != null && value !== 'on' && value !== 'off') warn(`auto-place="${value}" ignored; use "on" or "off"`);
    } else if (name === 'default-style' || name === 'default-shade') {
      this._applyDefaults();
    }
  }

  /** `cta-href` if it is an http(s) URL, else null (with a warning). */
  get _ctaHref() {
    const v = this.getAttribute('cta-href');
    if (!v) return null;
    try {
      const url = new URL(v, document.baseURI);
      if (url.protocol === 'https:' || url.protocol === 'http:') return url.href;
    } catch { /* reported below */ }
    warn(`cta-href="${v}" ignored; only http(s) links are allowed`);
    return null;
  }

  _syncCta() {
    this._cta.textContent = this.getAttribute('cta-label') || this._t.cta;
  }

  /** Apply `default-style` / `default-shade` while the visitor has not designed anything. */
  _applyDefaults() {
    if (!this._vis || this._undo.length > 1) return;
    let d = this.getDesign();
    const style = this.getAttribute('default-style');
    if (style != null) {
      if (STYLES.includes(style)) d = JSON.parse(this._vis.withStyle(style));
      else warn(`default-style="${style}" ignored; use one of ${STYLES.join(', ')}`);
    }
    const shade = this.getAttribute('default-shade');
    if (shade != null) {
      if (SHADES.includes(shade) || /^#[0-9a-fA-F]{6}$/.test(shade)) {
        d = { ...d, shade };
        this._shadeChosen = true;
      } else {
        warn(`default-shade="${shade}" ignored; use I–VI or a colour like #46484f`);
      }
    }
    this._vis.setDesign(JSON.stringify(d));
    this._syncControls();
    this._requestRender();
  }

  get _maxMegapixels() {
    const n = Number(this.getAttribute('max-megapixels'));
    return n >= 1 && n <= 64 ? n : DEFAULT_MAX_MEGAPIXELS;
  }

  async _ensureCore() {
    if (this._vis) return this._vis;
    if (!this._corePromise) {
      this._setBusy(this._t.loading);
      this._corePromise = (async () => {
        try {
          const base = this.getAttribute('base-url');
          useBaseUrl(base);
          const { glue, exports, simd, urls } = await loadWasm();
          this._wasm = exports;
          this._simd = simd;
          this._glue = glue;
          this._wasmUrls = urls;
          this._vis = guard(new glue.Visualizer(), () => this._recover());
          this._applyLimits(glue);
          // Apply a design set before the core was ready.
          if (this._pendingDesign) {
            this._vis.setDesign(this._pendingDesign);
            this._pendingDesign = null;
          } else {
            this._applyDefaults();
            this._applySharedDesign();
          }
          this._ready = true;
          // Start the dot field now, while the visitor picks a photo, and
          // let the engine optimise the photo pipeline when the page is idle.
          fieldFor(this.getDesign().seed, urls);
          warmUpCore(glue);
          this._syncControls();
          this.dispatchEvent(new CustomEvent('ready', { detail: { simd } }));
          return this._vis;
        } catch (e) {
          this._corePromise = null;
          const err = new VisualizerError('load-failed', this._t.errors.loadFailed);
          this._report(err, e);
          throw err;
        } finally {
          this._setBusy(null);
        }
      })();
    }
    return this._corePromise;
  }

  // ---- public API ------------------------------------------------------

  /** The live mirror (hv/mirror.js): the design on the camera feed. */
  startMirror(options = {}) {
    return startMirror(this, options);
  }

  stopMirror() {
    stopMirror(this);
  }

  /** The mirror's current camera frame becomes the photo (calibration source `tracked`). */
  snapshot() {
    return snapshot(this);
  }

  /** Load a photo (File, Blob, URL string, ImageBitmap or HTMLImageElement). */
  async loadImage(source) {
    const t = this._t;
    // clearPhoto() from now on, or a later load taken in first, cancels this one.
    const epoch = this._photoEpoch;
    const ticket = ++this._loadTickets;
    try {
      await this._ensureCore();
      this._setBusy(t.decoding);
      // The face will be looked for once the photo shows: get the models
      // ready while the photo is decoded.
      if (this.getAttribute('auto-place') !== 'off') warmUpModels(this._glue, this._wasmUrls);
      const bitmap = await this._decode(source);
      try {
        await this._adoptBitmap(bitmap, epoch, ticket);
      } finally {
        if (bitmap !== source) bitmap.close?.();
      }
      this._lastSource = source;
      if (this._message.dataset.kind === 'error') this._showMessage(null);
      // Find the face once the first preview is on screen (never before it).
      this._noFace = false;
      this._autoPlacePending = this.getAttribute('auto-place') !== 'off';
      const detail = { width: this._photo.width, height: this._photo.height };
      this.dispatchEvent(new CustomEvent('image-load', { detail }));
      return detail;
    } catch (e) {
      const err = e instanceof VisualizerError ? e : new VisualizerError('internal', t.errors.internal);
      // Removing the photo while it loads is the visitor's choice, not an error to show.
      if (err.code !== 'cancelled') this._report(err, e);
      throw err;
    } finally {
      this._setBusy(null);
    }
  }

  /** The current design as a plain object (version 1). */
  getDesign() {
    if (!this._vis) return this._pendingDesign ? JSON.parse(this._pendingDesign) : null;
    return JSON.parse(this._vis.designJson());
  }

  /** Replace the design. Throws an Error with a readable message; on error nothing changes. */
  setDesign(design) {
    let text;
    try {
      text = typeof design === 'string' ? design : JSON.stringify(design);
    } catch {
      throw new VisualizerError('invalid-design', 'the design must be a JSON object');
    }
    if (typeof text !== 'string') throw new VisualizerError('invalid-design', 'the design must be a JSON object');
    if (!this._vis) {
      // Checked when the core is ready; keep the last one.
      JSON.parse(text);
      this._pendingDesign = text;
      return;
    }
    try {
      this._vis.setDesign(text);
    } catch (e) {
      // For the host page's developer: the core's own words; the visitor's
      // are made from e.code and e.params where the element shows one.
      throw new VisualizerError('invalid-design', String(e.message || e), e);
    }
    this._shadeChosen = true;
    this._committed();
  }

  /** Set the scale from the two pupils, in image pixels. */
  setCalibration({ leftPupil, rightPupil, ipdMm } = {}) {
    if (!this._vis || !this._photo) throw new VisualizerError('no-photo', this._t.errors.noPhoto);
    const ok = (p) => p && isFiniteNumber(p.x) && isFiniteNumber(p.y);
    if (!ok(leftPupil) || !ok(rightPupil)) {
      throw new VisualizerError('invalid-calibration', 'leftPupil and rightPupil must be {x, y} points in image pixels');
    }
    try {
      const ipd = ipdMm === undefined ? this._defaults.ipdMm : Number(ipdMm);
      this._vis.setCalibration(leftPupil.x, leftPupil.y, rightPupil.x, rightPupil.y, ipd, 'visitor');
    } catch (e) {
      throw new VisualizerError('invalid-calibration', String(e.message || e), e); // for the developer, as above
    }
    this._segmentForCalibration();
    this._committed();
  }

  /**
   * Find the face, set scale (63 mm between the pupils unless changed), roll
   * and glabella from it, and place the default hairline on it. Resolves to
   * {leftPupil, rightPupil, glabella, roll, pxPerMm, confidence, ms};
   * rejects with a readable Error (code no-face, several-faces,
   * face-too-small, face-turned) and asks the visitor for two taps.
   */
  async autoPlace() {
    const t = this._t;
    await this._ensureCore();
    if (!this._photo) throw new VisualizerError('no-photo', t.errors.noPhoto);
    const vis = this._vis;
    const photo = this._photo;
    const t0 = performance.now();
    // The nets run in the model worker on the photo's working copy; here
    // only the irises are found in the full photo and the mask is built.
    let r;
    try {
      const models = await modelClient(this._glue, this._wasmUrls);
      if (this._vis !== vis || this._photo !== photo) throw new VisualizerError('cancelled', t.errors.cancelled);
      const res = await models.analyse(vis.workingCopy(), this._ipdMm());
      // The photo changed meanwhile: this face is stale.
      if (this._vis !== vis || this._photo !== photo) throw new VisualizerError('cancelled', t.errors.cancelled);
      r = vis.placeLocated(res.face);
      // The scalp mask and the dots on it each get a task of their own,
      // so a phone's page keeps painting and taking input between them.
      await nextTask();
      if (this._vis !== vis || this._photo !== photo) throw new VisualizerError('cancelled', t.errors.cancelled);
      this._applySegmentation(res.segmentation);
      await nextTask();
      if (this._vis !== vis || this._photo !== photo) throw new VisualizerError('cancelled', t.errors.cancelled);
      try {
        vis.prepareDots();
      } catch { /* the render reports it */ }
    } catch (e) {
      if (e instanceof VisualizerError) throw e;
      if (!e.code) {
        // The nets could not be loaded or run (no code from the core).
        const err = new VisualizerError('models-unavailable', t.errors.models);
        this._report(err, e);
        throw err;
      }
      const code = e.code === 'face-invalid' ? 'invalid' : e.code;
      const err = new VisualizerError(code, t.autoPlaceErrors[code] || visitorMessage(this.getAttribute('lang'), e), e);
      this._noFace = true;
      this._setMode('calibrate');
      this._report(err, e);
      this._syncControls();
      this._requestRender();
      throw err;
    }
    const ms = performance.now() - t0;
    this._noFace = false;
    this._suggestShade();
    this._committed();
    // A line inside the visitor's own hair changes little: say so, and
    // what fits instead, rather than leave a few specks to puzzle over.
    this._showMessage(this._lineInHair() ? t.lineInHair : t.detectedHelp);
    const detail = {
      leftPupil: r.leftPupil, rightPupil: r.rightPupil, glabella: r.glabella,
      roll: r.roll, pxPerMm: r.pxPerMm, confidence: r.confidence, ms,
    };
    this.dispatchEvent(new CustomEvent('auto-place', { detail }));
    return detail;
  }

  /** Whether the design's line lies inside the visitor's remaining hair
   * (most of the head just behind it is hair, by the segmentation). */
  _lineInHair() {
    try {
      return this._vis.lineFit()?.inHair === true;
    } catch {
      return false;
    }
  }

  /** The interpupillary distance the visitor set (63 mm unless changed). */
  _ipdMm() {
    return Number(this._ipd.input.value) || this._defaults.ipdMm;
  }

  /** Use the model worker's segmentation for the current photo: the dots
   * keep to its scalp (without one the core grows the scalp by colour). */
  _applySegmentation(bytes) {
    if (!bytes) return;
    try {
      this._vis.setSegmentation(bytes);
      this._segmented = true;
    } catch (e) {
      console.warn('<hairline-visualizer> segmentation not used:', e);
    }
  }

  /** Without a face found, segment the photo once the visitor has placed
   * the pupils (a mean face stands in for the landmarks). */
  _segmentForCalibration() {
    this._segmenting = this._segmentNow();
    return this._segmenting;
  }

  async _segmentNow() {
    if (this._segmented || !this._vis || !this._photo) return;
    const vis = this._vis;
    const photo = this._photo;
    const c = vis.calibration();
    if (!c) return;
    try {
      const models = await modelClient(this._glue, this._wasmUrls);
      const res = await models.segment(vis.workingCopy(), c);
      // The head is refitted to the segmentation, which moves the line a
      // little: never under a finger that is dragging it.
      while (this._drag && this._vis === vis) await new Promise((r) => setTimeout(r, 50));
      if (this._vis !== vis || this._photo !== photo || this._segmented) return;
      this._applySegmentation(res.segmentation);
      this._suggestShade();
      this._requestRender();
    } catch (e) {
      console.debug('<hairline-visualizer> segmentation unavailable; the scalp is grown by colour', e);
    }
  }

  /** The calibration in use: {leftPupil, rightPupil, ipdMm, source}. */
  getCalibration() {
    return this._vis && this._photo ? this._vis.calibration() : null;
  }

  /** Render at the photo's full resolution and encode it. */
  toBlob(options) {
    return exporter.toBlob(this, options);
  }

  /**
   * Fire the cancelable `consult-request` event: detail carries the design,
   * a small before/after JPEG, and the full-resolution render only when the
   * visitor ticked the consent box. Unless a listener cancels it, the
   * browser then follows `cta-href` (http(s) only). Nothing is sent anywhere
   * by the widget itself.
   */
  requestConsultation() {
    return exporter.requestConsultation(this);
  }

  /** The design brief for the artist as an A4 PNG (1240×1754, 150 dpi); see hv/export.js. */
  designBrief() {
    return exporter.designBrief(this);
  }

  /** A link that reopens this design (never the photo): the design rides in the URL fragment. */
  shareLink() {
    const json = JSON.stringify(this.getDesign());
    const b64 = btoa(String.fromCharCode(...new TextEncoder().encode(json))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const url = new URL(window.location.href);
    url.hash = `hv-design=${b64}`;
    return url.href;
  }

  async _share() {
    const link = this.shareLink();
    history.replaceState(null, '', link);
    try {
      await navigator.clipboard.writeText(link);
      this._showMessage(this._t.linkCopied);
    } catch {
      this._showMessage(this._t.linkReady);
    }
  }

  /** Open a design shared through `#hv-design=…` in the page's URL. */
  _applySharedDesign() {
    const m = /(?:^#|&)hv-design=([A-Za-z0-9_-]+)/.exec(window.location.hash);
    if (!m) return;
    try {
      const b64 = m[1].replace(/-/g, '+').replace(/_/g, '/');
      const bytes = Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
      this._vis.setDesign(new TextDecoder().decode(bytes));
      this._shadeChosen = true;
      this._syncControls();
    } catch (e) {
      this._report(this._badDesign(e));
    }
  }

  /** The visitor's message for a design that could not be used (a file or
   * a shared link): the core's reason in the element's language. */
  _badDesign(e) {
    const lang = this.getAttribute('lang');
    const why = designError(lang, e.reason || e.code, e.params);
    return new VisualizerError('invalid-design', why ? this._t.errors.badDesign + why : visitorMessage(lang, e), e.reason ? { code: e.reason, params: e.params } : e);
  }

  /** Forget the photo (it was only ever in this page's memory), and with it
   * everything about it: its history (every step holds its calibration),
   * the pupil taps, the face search and any message about the photo. */
  clearPhoto() {
    this._photoEpoch++; // a photo still being taken in is dropped
    if (this._vis) this._vis.clearPhoto();
    this._photo = null;
    this._lastSource = null;
    this._undo = [];
    this._redo = [];
    this._calTaps = [];
    this._drag = null;
    this._dragFrame = null;
    this._pointers.clear();
    this._noFace = false;
    this._autoPlacePending = false;
    this._showMessage(null);
    this._syncControls();
    this._requestRender();
  }

  // ---- photo input -----------------------------------------------------

  async _decode(source) {
    const t = this._t;
    if (source == null || source === '') throw new VisualizerError('empty', t.errors.empty);
    let blob = null;
    if (typeof source === 'string') {
      let res;
      try {
        res = await fetch(new URL(source, document.baseURI));
      } catch {
        throw new VisualizerError('fetch-failed', t.errors.fetch);
      }
      if (!res.ok) throw new VisualizerError('fetch-failed', t.errors.fetch);
      blob = await res.blob();
    } else if (source instanceof Blob) {
      blob = source;
    } else if (typeof ImageBitmap !== 'undefined' && source instanceof ImageBitmap) {
      return source;
    } else if (source instanceof HTMLImageElement) {
      try {
        await source.decode();
        return await createImageBitmap(source);
      } catch {
        throw new VisualizerError('corrupt', t.errors.corrupt);
      }
    } else {
      throw new VisualizerError('not-image', t.errors.notImage);
    }
    if (blob.size === 0) throw new VisualizerError('not-image', t.errors.notImage);
    if (looksLikeHeic(blob)) {
      // Some browsers can decode HEIC; try, and explain if not.
      try {
        return await createImageBitmap(blob, { imageOrientation: 'from-image' });
      } catch {
        throw new VisualizerError('heic', t.errors.heic);
      }
    }
    if (blob.type && !blob.type.startsWith('image/') && blob.type !== 'application/octet-stream') {
      throw new VisualizerError('not-image', t.errors.notImage);
    }
    try {
      return await createImageBitmap(blob, { imageOrientation: 'from-image' });
    } catch {
      // Sniff: a real image type that fails is damaged; anything else is not a photo.
      const head = new Uint8Array(await blob.slice(0, 12).arrayBuffer());
      const isJpeg = head[0] === 0xff && head[1] === 0xd8;
      const isPng = head[0] === 0x89 && head[1] === 0x50;
      const isHeic = head[4] === 0x66 && head[5] === 0x74 && head[6] === 0x79 && head[7] === 0x70;
      if (isHeic) throw new VisualizerError('heic', t.errors.heic);
      throw new VisualizerError(isJpeg || isPng ? 'corrupt' : 'not-image', isJpeg || isPng ? t.errors.corrupt : t.errors.notImage);
    }
  }

  async _adoptBitmap(bitmap, epoch, ticket) {
    const t = this._t;
    let { width, height } = bitmap;
    const minSide = this._limits.minPhotoSide;
    if (width < minSide || height < minSide) {
      throw new VisualizerError('too-small', t.errors.tooSmall(width, height));
    }
    const max = this._maxMegapixels * 1e6;
    if (width * height > max) {
      const k = Math.sqrt(max / (width * height));
      width = Math.max(1, Math.floor(width * k));
      height = Math.max(1, Math.floor(height * k));
    }
    // The pixels are read (and a large photo scaled to the core's working
    // copy), and the dot field made, in workers meanwhile.
    const work = Array.from(this._glue.Visualizer.workingSize(width, height));
    const workSize = work[0] < width ? work : null;
    const vis = this._vis;
    const [data] = await Promise.all([readPixels(bitmap, width, height, workSize), this._installField()]);
    // Photos are taken in one at a time, in the order they were read: the
    // core holds one staged photo, and taking it in spans several tasks.
    const turn = this._takingIn.catch(() => {}).then(() => this._takeIn(data, width, height, { epoch, ticket, vis }));
    this._takingIn = turn;
    await turn;
  }

  /** Hand the read pixels to the core and show the first preview, in tasks
   * short enough for the page to paint and take input between them. A
   * photo removed, replaced by a later loadImage() call, or whose core
   * restarted meanwhile is not taken in. */
  async _takeIn(data, width, height, { epoch, ticket, vis }) {
    const stale = () => this._photoEpoch !== epoch || this._vis !== vis || this._takenTicket > ticket;
    const cancelled = () => {
      if (stale()) throw new VisualizerError('cancelled', this._t.errors.cancelled);
    };
    cancelled();
    try {
      // One copy into WASM memory; the core keeps the pixels from here on.
      vis.stagePhoto(width, height, data.pixels);
    } catch (e) {
      throw new VisualizerError('too-large', visitorMessage(this.getAttribute('lang'), e), e);
    }
    let workingCopy = 'core';
    if (data.work) {
      try {
        vis.stageWorkingCopy(data.work);
        workingCopy = 'worker';
      } catch { /* the core makes its own working copy */ }
    }
    await nextTask();
    cancelled();
    try {
      vis.commitPhoto();
    } catch (e) {
      throw new VisualizerError('invalid-image', visitorMessage(this.getAttribute('lang'), e), e);
    }
    this._takenTicket = ticket;
    this._photo = { width, height };
    this._lastIntake = { width, height, workingCopy };
    this._segmented = false;
    this._suggestShade();
    this._view = { zoom: 1, cx: width / 2, cy: height / 2 };
    this._calTaps = [];
    this._undo = [];
    this._redo = [];
    this._pushHistory();
    this._syncControls();
    // Placing the dots and the first frame each get a task of their own.
    await nextTask();
    if (!stale()) {
      try {
        vis.prepareDots();
      } catch { /* the render reports it */ }
      await nextTask();
    }
    this._requestRender();
  }

  /** Hand the core the dot field for the design's seed, made in a worker
   * (without it the first preview would generate it on the main thread). */
  async _installField() {
    if (!this._vis || this._vis.hasField()) return;
    const seed = this.getDesign().seed;
    const data = await fieldFor(seed, this._wasmUrls);
    if (data && this._vis && !this._vis.hasField() && this.getDesign().seed === seed) this._vis.setField(seed, data);
  }

  /** Until the visitor picks a shade, follow the one their skin suggests. */
  _suggestShade() {
    if (this._shadeChosen) return;
    const shade = this._vis.suggestedShade();
    if (!shade) return;
    const d = this.getDesign();
    if (d.shade !== shade) this._vis.setDesign(JSON.stringify({ ...d, shade }));
  }

  _handleFiles(files) {
    const file = files && files[0];
    if (!file) {
      this._report(new VisualizerError('empty', this._t.errors.empty));
      return;
    }
    this.loadImage(file).catch(() => {});
  }

  _handlePaste(e) {
    if (!this.isConnected || !this._hasFocusOrHover()) return;
    const item = [...(e.clipboardData?.items || [])].find((i) => i.kind === 'file');
    if (!item) return;
    e.preventDefault();
    this.loadImage(item.getAsFile()).catch(() => {});
  }

  _hasFocusOrHover() {
    return this.matches(':hover') || this.matches(':focus-within') || document.activeElement === document.body;
  }

  // ---- history -----------------------------------------------------------

  _snapshot() {
    return { design: this._vis.designJson(), calibration: this._vis.calibration() };
  }

  _pushHistory() {
    if (!this._vis || !this._photo) return;
    const snap = this._snapshot();
    const last = this._undo[this._undo.length - 1];
    if (last && last.design === snap.design && JSON.stringify(last.calibration) === JSON.stringify(snap.calibration)) return;
    this._undo.push(snap);
    if (this._undo.length > HISTORY_LIMIT) this._undo.shift();
    this._redo = [];
  }

  _restore(snap) {
    this._vis.setDesign(snap.design);
    const c = snap.calibration;
    if (c) this._vis.setCalibration(c.leftPupil.x, c.leftPupil.y, c.rightPupil.x, c.rightPupil.y, c.ipdMm, c.source);
    this._syncControls();
    this._requestRender();
    this._emitDesign();
  }

  undo() {
    if (!this._photo || this._undo.length < 2) return;
    this._redo.push(this._undo.pop());
    this._restore(this._undo[this._undo.length - 1]);
  }

  redo() {
    if (!this._photo) return;
    const snap = this._redo.pop();
    if (!snap) return;
    this._undo.push(snap);
    this._restore(snap);
  }

  /** After any committed change: history, controls, events, render. */
  _committed() {
    this._pushHistory();
    this._syncControls();
    this._emitDesign();
    this._requestRender();
  }

  _emitDesign() {
    this.dispatchEvent(new CustomEvent('design-change', { detail: this.getDesign() }));
  }

  _updateDesign(patch) {
    if (!this._vis) return;
    const d = { ...this.getDesign(), ...patch };
    try {
      this._vis.setDesign(JSON.stringify(d));
    } catch (e) {
      this._report(new VisualizerError('invalid-design', visitorMessage(this.getAttribute('lang'), e), e));
      return false;
    }
    this._requestRender();
    return true;
  }

  // ---- errors & status -------------------------------------------------------

  _report(err, cause) {
    if (cause && cause !== err) console.debug('<hairline-visualizer>', cause);
    this._showMessage(err.message, 'error');
    this.dispatchEvent(new CustomEvent('error', { detail: { code: err.code || 'internal', message: err.message } }));
  }

  _onPanic(message) {
    // Which widget trapped is known when its call throws (see guard()).
    console.error('<hairline-visualizer> internal error:', message);
  }

  /**
   * After a trap: a fresh core session with the last photo, calibration and
   * design, and the history kept. The visitor sees an error message, not a
   * dead widget. Returns that message (the trapped call's error carries it).
   */
  _recover() {
    if (this._recovering || !this._glue) return this._t.errors.internal;
    this._recovering = true;
    this._report(new VisualizerError('internal', this._t.errors.internal));
    const snap = this._undo[this._undo.length - 1];
    const history = { undo: this._undo, redo: this._redo };
    const source = this._lastSource;
    this._vis = guard(new this._glue.Visualizer(), () => this._recover());
    this._photo = null;
    queueMicrotask(async () => {
      try {
        if (source) await this.loadImage(source);
        if (snap) this._restore(snap);
        this._undo = history.undo;
        this._redo = history.redo;
        this._syncControls();
        // The reload cleared the alert; the visitor should still read it.
        this._showMessage(this._t.errors.internal, 'error');
      } catch (e) {
        console.error('<hairline-visualizer> could not restore after an internal error', e);
      } finally {
        this._recovering = false;
      }
    });
    return this._t.errors.internal;
  }

  _showMessage(text, kind = 'info') {
    this._message.textContent = text || '';
    this._message.dataset.kind = kind;
    this._message.hidden = !text;
    clearTimeout(this._messageTimer);
    if (text && kind !== 'error') this._messageTimer = setTimeout(() => { this._message.hidden = true; }, 4000);
  }

  _setBusy(text) {
    this._busy.hidden = !text;
    this._busyText.textContent = text || '';
    this._stage.setAttribute('aria-busy', text ? 'true' : 'false');
  }

  // ---- UI construction ---------------------------------------------------------

  _build() {
    const root = this._root;
    root.append(el('link', { rel: 'stylesheet', href: new URL('./hairline-visualizer.css', MODULE_URL).href }));
    const wrap = el('div', { class: 'hv', part: 'container' });

    // Header
    this._titleEl = el('h2', { class: 'hv-title', part: 'title' });
    this._clinic = el('span', { class: 'hv-clinic', part: 'clinic' });
    this._subtitle = el('p', { class: 'hv-subtitle' });
    const header = el('header', { class: 'hv-header', part: 'header' }, [
      el('div', {}, [this._clinic, this._titleEl, this._subtitle]),
      el('slot', { name: 'logo' }),
    ]);

    // Stage
    this._canvas = el('canvas', { class: 'hv-canvas', part: 'canvas', role: 'img' });
    this._overlay = svg('svg', { class: 'hv-overlay', 'aria-hidden': 'false' });
    this._pathEl = svg('path', { class: 'hv-line' });
    this._handlesG = svg('g', { class: 'hv-handles' });
    this._pupilsG = svg('g', { class: 'hv-pupils' });
    this._brushEl = svg('circle', { class: 'hv-brush', r: 0 });
    this._overlay.append(this._pathEl, this._pupilsG, this._handlesG, this._brushEl);
    this._splitLine = el('div', { class: 'hv-split', hidden: true });
    this._labelBefore = el('span', { class: 'hv-tag hv-tag-before', hidden: true });
    this._labelAfter = el('span', { class: 'hv-tag hv-tag-after', hidden: true });

    this._fileInput = el('input', { type: 'file', accept: 'image/*', class: 'hv-hidden', tabindex: '-1' });
    this._cameraInput = el('input', { type: 'file', accept: 'image/*', capture: 'user', class: 'hv-hidden', tabindex: '-1' });
    this._designInput = el('input', { type: 'file', accept: 'application/json,.json', class: 'hv-hidden', tabindex: '-1' });
    this._chooseBtn = el('button', { type: 'button', class: 'hv-btn hv-primary', part: 'button' });
    this._cameraBtn = el('button', { type: 'button', class: 'hv-btn', part: 'button' });
    this._mirrorCtl = mirrorControls(this);
    this._dropTitle = el('h3');
    this._dropBody = el('p');
    this._empty = el('div', { class: 'hv-empty' }, [
      el('div', { class: 'hv-empty-icon', 'aria-hidden': 'true' }),
      this._dropTitle, this._dropBody,
      el('div', { class: 'hv-row' }, [this._chooseBtn, this._cameraBtn, this._mirrorCtl.empty]),
    ]);
    this._busyText = el('span');
    this._busy = el('div', { class: 'hv-busy', hidden: true, role: 'status' }, [el('span', { class: 'hv-spinner', 'aria-hidden': 'true' }), this._busyText]);
    this._message = el('div', { class: 'hv-message', role: 'alert', hidden: true });
    this._stage = el('div', { class: 'hv-stage', part: 'stage', tabindex: '-1' }, [
      this._canvas, this._overlay, this._splitLine, this._labelBefore, this._labelAfter, this._empty, this._busy,
    ]);
    this._stage.append(this._mirrorCtl.shot);
    this._compareRange = el('input', { type: 'range', min: 0, max: 100, value: 50, class: 'hv-compare-range', hidden: true });

    // Stage toolbar (zoom, compare)
    this._zoomOut = this._iconButton('−');
    this._zoomFit = this._iconButton('⤢');
    this._zoomIn = this._iconButton('+');
    this._compareBtn = el('button', { type: 'button', class: 'hv-btn hv-toggle', 'aria-pressed': 'false', part: 'button' });
    this._guidesBtn = el('button', { type: 'button', class: 'hv-btn hv-toggle', 'aria-pressed': 'true', part: 'button' });
    this._status = el('p', { class: 'hv-status', part: 'status' });
    this._warnings = el('ul', { class: 'hv-warnings', part: 'warnings' });
    const stageBar = el('div', { class: 'hv-stagebar' }, [
      el('div', { class: 'hv-row' }, [this._zoomOut, this._zoomFit, this._zoomIn]),
      el('div', { class: 'hv-row' }, [this._mirrorCtl.bar, this._guidesBtn, this._compareBtn]),
    ]);

    // Controls
    this._styleButtons = STYLES.map((s) => el('button', { type: 'button', class: 'hv-chip', 'data-style': s, 'aria-pressed': 'false' }));
    this._styleLegend = el('legend');
    const styleSet = el('fieldset', { class: 'hv-field' }, [this._styleLegend, el('div', { class: 'hv-chips' }, this._styleButtons)]);

    this._modeSelect = el('select', { class: 'hv-select', id: 'hv-mode' });
    for (const m of ['hairline', 'full', 'thinning']) this._modeSelect.append(el('option', { value: m }));
    this._modeLabel = el('label', { for: 'hv-mode' });
    this._buzz = el('input', { type: 'checkbox', id: 'hv-buzz' });
    this._buzzLabel = el('label', { for: 'hv-buzz', class: 'hv-check' });
    this._modeField = el('div', { class: 'hv-field' }, [
      this._modeLabel, this._modeSelect, el('div', { class: 'hv-row' }, [this._buzz, this._buzzLabel]),
    ]);
    this._height = this._slider('height');
    // Face thirds (forehead · nose · chin), once the face was found.
    this._thirds = el('p', { class: 'hv-thirds', part: 'thirds', 'aria-live': 'polite', hidden: true });
    this._height.wrap.append(this._thirds);
    this._density = this._slider('density');
    this._dot = this._slider('dot');

    this._shadeSelect = el('select', { class: 'hv-select', id: 'hv-shade' });
    for (const s of [...SHADES, 'custom']) this._shadeSelect.append(el('option', { value: s }));
    this._shadeColour = el('input', { type: 'color', value: '#46484f', class: 'hv-colour', hidden: true });
    this._shadeLabel = el('label', { for: 'hv-shade' });
    // The visitor's remaining hair: the suggested shade follows it.
    this._hairSelect = el('select', { class: 'hv-select', id: 'hv-hair' });
    for (const h of HAIRS) this._hairSelect.append(el('option', { value: h }));
    this._hairLabel = el('label', { for: 'hv-hair' });
    const shadeField = el('div', { class: 'hv-field' }, [
      this._hairLabel, this._hairSelect,
      this._shadeLabel, el('div', { class: 'hv-row' }, [this._shadeSelect, this._shadeColour]),
    ]);

    this._lookHealed = el('button', { type: 'button', class: 'hv-seg', 'data-look': 'healed', 'aria-pressed': 'true' });
    this._lookFresh = el('button', { type: 'button', class: 'hv-seg', 'data-look': 'fresh', 'aria-pressed': 'false' });
    this._lookAged = el('button', { type: 'button', class: 'hv-seg', 'data-look': 'aged', 'aria-pressed': 'false' });
    this._lookButtons = [this._lookHealed, this._lookFresh, this._lookAged];
    this._lookLegend = el('legend');
    const lookSet = el('fieldset', { class: 'hv-field' }, [this._lookLegend, el('div', { class: 'hv-segs' }, this._lookButtons)]);
    this._sessionButtons = [1, 2, 3].map((n) => el('button', { type: 'button', class: 'hv-seg', 'data-session': n, 'aria-pressed': String(n === 3) }));
    this._sessionLegend = el('legend');
    const sessionSet = el('fieldset', { class: 'hv-field' }, [this._sessionLegend, el('div', { class: 'hv-segs' }, this._sessionButtons)]);

    this._toolButtons = ['move', 'add', 'erase', 'scar', 'calibrate'].map((m) => el('button', { type: 'button', class: 'hv-chip', 'data-mode': m, 'aria-pressed': m === 'move' ? 'true' : 'false' }));
    this._findFaceBtn = el('button', { type: 'button', class: 'hv-btn', part: 'button' });
    this._brush = this._slider('brush');
    this._ipd = this._slider('ipd');
    this._symmetric = el('input', { type: 'checkbox', id: 'hv-sym', checked: true });
    this._symLabel = el('label', { for: 'hv-sym', class: 'hv-check' });
    this._toolsLegend = el('legend');
    const toolSet = el('fieldset', { class: 'hv-field' }, [
      this._toolsLegend,
      el('div', { class: 'hv-chips' }, this._toolButtons),
      el('div', { class: 'hv-row' }, [this._findFaceBtn]),
      this._brush.wrap,
      el('div', { class: 'hv-row' }, [this._symmetric, this._symLabel]),
      this._ipd.wrap,
    ]);

    this._undoBtn = el('button', { type: 'button', class: 'hv-btn', part: 'button' });
    this._redoBtn = el('button', { type: 'button', class: 'hv-btn', part: 'button' });
    this._resetBtn = el('button', { type: 'button', class: 'hv-btn', part: 'button' });
    this._downloadBtn = el('button', { type: 'button', class: 'hv-btn hv-primary', part: 'button download' });
    this._saveBtn = el('button', { type: 'button', class: 'hv-btn', part: 'button' });
    this._loadBtn = el('button', { type: 'button', class: 'hv-btn', part: 'button' });
    this._newPhotoBtn = el('button', { type: 'button', class: 'hv-btn', part: 'button' });
    this._forgetBtn = el('button', { type: 'button', class: 'hv-btn', part: 'button' });
    this._shareBtn = el('button', { type: 'button', class: 'hv-btn', part: 'button' });
    this._briefBtn = el('button', { type: 'button', class: 'hv-btn', part: 'button' });
    this._cta = el('button', { type: 'button', class: 'hv-btn hv-primary hv-cta', part: 'cta' });
    this._consent = el('input', { type: 'checkbox', id: 'hv-consent' });
    this._consentLabel = el('label', { for: 'hv-consent', class: 'hv-check hv-small' });
    const actions = el('div', { class: 'hv-actions' }, [
      el('div', { class: 'hv-row' }, [this._undoBtn, this._redoBtn, this._resetBtn]),
      el('div', { class: 'hv-row' }, [this._downloadBtn]),
      el('div', { class: 'hv-row' }, [this._saveBtn, this._loadBtn]),
      el('div', { class: 'hv-row' }, [this._newPhotoBtn, this._forgetBtn]),
      el('div', { class: 'hv-row' }, [this._briefBtn, this._shareBtn]),
      el('slot', { name: 'cta' }, [el('div', { class: 'hv-cta-box' }, [
        this._cta,
        el('div', { class: 'hv-row hv-consent' }, [this._consent, this._consentLabel]),
      ])]),
    ]);

    this._controls = el('div', { class: 'hv-controls', part: 'controls' }, [
      styleSet, this._modeField, this._height.wrap, this._density.wrap, this._dot.wrap, shadeField, lookSet, sessionSet, toolSet, actions,
    ]);
    this._live = el('p', { class: 'hv-sr', 'aria-live': 'polite' });

    wrap.append(
      header,
      el('div', { class: 'hv-main' }, [
        el('div', { class: 'hv-view' }, [this._stage, this._compareRange, stageBar, this._status, this._warnings, this._message]),
        this._controls,
      ]),
      this._live, this._fileInput, this._cameraInput, this._designInput,
    );
    root.append(wrap);
    this._wire();
  }

  _iconButton(text) {
    return el('button', { type: 'button', class: 'hv-btn hv-icon', part: 'button', text });
  }

  /** A range control; its range and step come from the core (_applyLimits). */
  _slider(name) {
    const id = `hv-${name}`;
    const input = el('input', { type: 'range', id, class: 'hv-range' });
    const label = el('label', { for: id });
    const value = el('output', { for: id, class: 'hv-value' });
    const wrap = el('div', { class: 'hv-field hv-slider' }, [el('div', { class: 'hv-row hv-between' }, [label, value]), input]);
    return { input, label, value, wrap };
  }

  /** Ranges, steps and starting values from the core (src/limits.rs, where
   * they are written once): the sliders, the brush, the interpupillary
   * distance and the smallest photo. */
  _applyLimits(glue) {
    const limits = glue.limits();
    const defaults = glue.defaults();
    this._limits = limits;
    this._defaults = defaults;
    const range = (slider, r) => {
      slider.input.min = r.min;
      slider.input.max = r.max;
      slider.input.step = r.step;
    };
    range(this._height, limits.heightMm);
    range(this._density, limits.density);
    range(this._dot, limits.dotMm);
    range(this._brush, limits.brushMm);
    range(this._ipd, limits.ipdControlMm);
    this._brushMm = defaults.brushMm;
    this._brush.input.value = defaults.brushMm;
    this._ipd.input.value = defaults.ipdMm;
  }

  _applyLang() {
    const t = (this._t = strings(this.getAttribute('lang')));
    this._titleEl.textContent = t.title;
    this._subtitle.textContent = t.subtitle;
    this._clinic.textContent = this.getAttribute('clinic-name') || '';
    this._dropTitle.textContent = t.dropTitle;
    this._dropBody.textContent = t.dropBody;
    this._chooseBtn.textContent = t.choosePhoto;
    this._cameraBtn.textContent = t.takePhoto;
    syncMirror(this);
    this._styleLegend.textContent = t.style;
    this._modeLabel.textContent = t.mode;
    [...this._modeSelect.options].forEach((o) => { o.textContent = t.modes[o.value]; });
    this._buzzLabel.textContent = t.buzzCut;
    this._styleButtons.forEach((b) => { b.textContent = t.styles[b.dataset.style]; });
    this._height.label.textContent = t.height;
    this._density.label.textContent = t.density;
    this._dot.label.textContent = t.dotSize;
    this._shadeLabel.textContent = t.shade;
    this._hairLabel.textContent = t.hair;
    [...this._hairSelect.options].forEach((o) => { o.textContent = t.hairs[o.value]; });
    [...this._shadeSelect.options].forEach((o) => { o.textContent = t.shades[o.value]; });
    this._shadeColour.setAttribute('aria-label', t.customColour);
    this._lookLegend.textContent = t.look;
    this._lookHealed.textContent = t.healed;
    this._lookFresh.textContent = t.fresh;
    this._lookAged.textContent = t.aged;
    this._sessionLegend.textContent = t.session;
    this._sessionButtons.forEach((b) => { b.textContent = t.sessionN(Number(b.dataset.session)); });
    this._toolsLegend.textContent = t.tools;
    const toolNames = { move: t.toolMove, add: t.toolAdd, erase: t.toolErase, scar: t.toolScar, calibrate: t.calibrate };
    this._toolButtons.forEach((b) => { b.textContent = toolNames[b.dataset.mode]; });
    this._brush.label.textContent = t.brushSize;
    this._findFaceBtn.textContent = t.findFace;
    this._ipd.label.textContent = t.ipd;
    this._symLabel.textContent = t.symmetric;
    this._zoomIn.setAttribute('aria-label', t.zoomIn);
    this._zoomOut.setAttribute('aria-label', t.zoomOut);
    this._zoomFit.setAttribute('aria-label', t.zoomFit);
    this._zoomIn.title = t.zoomIn;
    this._zoomOut.title = t.zoomOut;
    this._zoomFit.title = t.zoomFit;
    this._compareBtn.textContent = t.compare;
    this._guidesBtn.textContent = t.guides;
    this._compareRange.setAttribute('aria-label', t.compareSlider);
    this._labelBefore.textContent = t.before;
    this._labelAfter.textContent = t.after;
    this._undoBtn.textContent = t.undo;
    this._redoBtn.textContent = t.redo;
    this._resetBtn.textContent = t.reset;
    this._downloadBtn.textContent = t.download;
    this._saveBtn.textContent = t.saveDesign;
    this._loadBtn.textContent = t.loadDesign;
    this._newPhotoBtn.textContent = t.choosePhoto;
    this._forgetBtn.textContent = t.forget;
    this._shareBtn.textContent = t.share;
    this._briefBtn.textContent = t.brief;
    this._consentLabel.textContent = t.consent;
    this._syncCta();
    this._syncControls();
    this._drawOverlay();
  }

  // ---- wiring -------------------------------------------------------------

  _wire() {
    this._chooseBtn.addEventListener('click', () => this._fileInput.click());
    this._newPhotoBtn.addEventListener('click', () => this._fileInput.click());
    this._cameraBtn.addEventListener('click', () => this._cameraInput.click());
    for (const input of [this._fileInput, this._cameraInput]) {
      input.addEventListener('change', () => {
        this._handleFiles(input.files);
        input.value = '';
      });
    }
    this._forgetBtn.addEventListener('click', () => this.clearPhoto());
    this._cta.addEventListener('click', () => this.requestConsultation().catch((e) => this._report(exporter.exportError(this, e), e)));
    this._shareBtn.addEventListener('click', () => this._share());
    this._briefBtn.addEventListener('click', () => exporter.downloadBrief(this, new URL('./brief.html', MODULE_URL).href));

    // Drag and drop onto the stage.
    this._stage.addEventListener('dragover', (e) => { e.preventDefault(); this._stage.classList.add('hv-dragover'); });
    this._stage.addEventListener('dragleave', () => this._stage.classList.remove('hv-dragover'));
    this._stage.addEventListener('drop', (e) => {
      e.preventDefault();
      this._stage.classList.remove('hv-dragover');
      this._handleFiles(e.dataTransfer?.files);
    });

    this._styleButtons.forEach((b) => b.addEventListener('click', () => {
      if (!this._vis) return;
      this._vis.setDesign(this._vis.withStyle(b.dataset.style));
      this._committed();
    }));

    const liveSlider = (s, apply) => {
      s.input.addEventListener('input', () => { apply(Number(s.input.value)); this._syncValues(); });
      s.input.addEventListener('change', () => this._committed());
    };
    liveSlider(this._height, (v) => this._updateDesign({ height_mm: v }));
    liveSlider(this._density, (v) => this._updateDesign({ density: v }));
    liveSlider(this._dot, (v) => this._updateDesign({ dot_mm: v }));
    this._brush.input.addEventListener('input', () => { this._brushMm = Number(this._brush.input.value); this._syncValues(); });
    this._ipd.input.addEventListener('input', () => this._syncValues());
    this._ipd.input.addEventListener('change', () => {
      const c = this._vis && this._photo && this._vis.calibration();
      if (!c) return;
      try {
        this._vis.setCalibration(c.leftPupil.x, c.leftPupil.y, c.rightPupil.x, c.rightPupil.y, Number(this._ipd.input.value), c.source);
        this._committed();
      } catch (e) {
        this._report(new VisualizerError('invalid-calibration', visitorMessage(this.getAttribute('lang'), e), e));
      }
    });

    this._hairSelect.addEventListener('change', () => {
      if (!this._updateDesign({ hair: this._hairSelect.value })) return;
      this._suggestShade();
      this._committed();
    });
    this._shadeSelect.addEventListener('change', () => {
      this._shadeChosen = true;
      const v = this._shadeSelect.value;
      this._shadeColour.hidden = v !== 'custom';
      if (this._updateDesign({ shade: v === 'custom' ? this._shadeColour.value : v })) this._committed();
    });
    this._shadeColour.addEventListener('input', () => {
      this._shadeChosen = true;
      this._updateDesign({ shade: this._shadeColour.value });
    });
    this._shadeColour.addEventListener('change', () => this._committed());

    for (const b of this._lookButtons) {
      b.addEventListener('click', () => { if (this._updateDesign({ look: b.dataset.look })) this._committed(); });
    }
    for (const b of this._sessionButtons) {
      b.addEventListener('click', () => { if (this._updateDesign({ session: Number(b.dataset.session) })) this._committed(); });
    }
    this._modeSelect.addEventListener('change', () => { if (this._updateDesign({ mode: this._modeSelect.value })) this._committed(); });
    this._buzz.addEventListener('change', () => { if (this._updateDesign({ buzz_cut: this._buzz.checked })) this._committed(); });
    this._symmetric.addEventListener('change', () => { if (this._updateDesign({ symmetric: this._symmetric.checked })) this._committed(); });

    this._toolButtons.forEach((b) => b.addEventListener('click', () => this._setMode(b.dataset.mode)));
    this._findFaceBtn.addEventListener('click', () => this.autoPlace().catch(() => {}));

    this._zoomIn.addEventListener('click', () => this._zoomBy(1.5));
    this._zoomOut.addEventListener('click', () => this._zoomBy(1 / 1.5));
    this._zoomFit.addEventListener('click', () => this._fit());
    this._compareBtn.addEventListener('click', () => this._setCompare(!this._compare));
    this._guidesBtn.addEventListener('click', () => {
      const on = this._guidesBtn.getAttribute('aria-pressed') !== 'true';
      this._guidesBtn.setAttribute('aria-pressed', String(on));
      this._overlay.classList.toggle('hv-guides-off', !on);
    });
    this._compareRange.addEventListener('input', () => { this._split = Number(this._compareRange.value) / 100; this._requestRender(); });

    this._undoBtn.addEventListener('click', () => this.undo());
    this._redoBtn.addEventListener('click', () => this.redo());
    this._resetBtn.addEventListener('click', () => {
      if (!this._vis) return;
      const d = this.getDesign();
      this._vis.setDesign(JSON.stringify({ ...JSON.parse(this._vis.withStyle('natural')), zones: [], density: 70, dot_mm: 0.7, look: 'healed', hair: 'dark', shade: d.shade, symmetric: true }));
      this._suggestShade(); // follows the hair colour again
      this._committed();
    });
    this._downloadBtn.addEventListener('click', () => exporter.downloadImage(this));
    this._saveBtn.addEventListener('click', () => {
      if (!this._vis) return;
      downloadBlob(new Blob([JSON.stringify(this.getDesign(), null, 2)], { type: 'application/json' }), 'hairline-design.json');
      this._showMessage(this._t.designSaved);
    });
    this._loadBtn.addEventListener('click', () => this._designInput.click());
    this._designInput.addEventListener('change', async () => {
      const file = this._designInput.files?.[0];
      this._designInput.value = '';
      if (!file) return;
      try {
        const max = this._limits.maxDesignBytes;
        if (file.size > max) {
          throw new VisualizerError('invalid-design', `the file is larger than ${max} bytes`, { code: 'design-too-large', params: { maxBytes: max } });
        }
        this.setDesign(await file.text());
        this._showMessage(this._t.designLoaded);
      } catch (e) {
        this._report(this._badDesign(e));
      }
    });

    // Pointer input on the stage: handles, brush, calibration taps, pan, pinch.
    this._stage.addEventListener('pointerdown', (e) => this._pointerDown(e));
    this._stage.addEventListener('pointermove', (e) => this._pointerMove(e));
    this._stage.addEventListener('pointerup', (e) => this._pointerUp(e));
    this._stage.addEventListener('pointercancel', (e) => this._pointerUp(e));
    this._stage.addEventListener('pointerleave', () => { this._brushEl.setAttribute('r', 0); });
    this._stage.addEventListener('wheel', (e) => {
      if (!this._photo) return;
      e.preventDefault();
      this._zoomBy(Math.exp(-e.deltaY * 0.0015), this._toImage(e));
    }, { passive: false });

    this.addEventListener('keydown', (e) => this._keyDown(e));
  }

  _setMode(mode) {
    this._mode = mode;
    this._calTaps = [];
    this._toolButtons.forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.mode === mode)));
    this._stage.dataset.mode = mode;
    this._brush.wrap.hidden = !['add', 'erase', 'scar'].includes(mode);
    if (mode === 'calibrate') this._showMessage(this._t.calibrateHelp);
    this._drawOverlay();
  }

  _setCompare(on) {
    this._compare = on;
    this._compareBtn.setAttribute('aria-pressed', String(on));
    this._compareRange.hidden = !on;
    this._splitLine.hidden = !on;
    this._labelBefore.hidden = !on;
    this._labelAfter.hidden = !on;
    this._requestRender();
  }

  _keyDown(e) {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === 'z') {
      e.preventDefault();
      if (e.shiftKey) this.redo(); else this.undo();
    } else if (mod && e.key.toLowerCase() === 'y') {
      e.preventDefault();
      this.redo();
    }
  }

  // ---- geometry between screen and image -------------------------------------

  /** The layout of the photo in the stage (CSS px): scale and offset. */
  _layout() {
    // While the overlay is drawn its layout is read once (reading the
    // stage's size after each SVG change would lay the page out again).
    if (this._layoutNow) return this._layoutNow;
    const w = this._stage.clientWidth || 1;
    const h = this._stage.clientHeight || 1;
    if (!this._photo) return { w, h, scale: 1, ox: 0, oy: 0 };
    const fit = Math.min(w / this._photo.width, h / this._photo.height);
    const scale = fit * this._view.zoom;
    return { w, h, scale, ox: w / 2 - this._view.cx * scale, oy: h / 2 - this._view.cy * scale };
  }

  _toImage(e) {
    // During a drag the stage stays put: its box is read once, at the
    // pointer's going down, not after every frame's changes.
    const f = this._dragFrame;
    const r = f?.rect || this._stage.getBoundingClientRect();
    const L = f?.layout || this._layout();
    return { x: (e.clientX - r.left - L.ox) / L.scale, y: (e.clientY - r.top - L.oy) / L.scale };
  }

  _toStage(x, y) {
    const L = this._layout();
    return { x: x * L.scale + L.ox, y: y * L.scale + L.oy };
  }

  _clampView() {
    if (!this._photo) return;
    const { width, height } = this._photo;
    this._view.zoom = clamp(this._view.zoom, 1, MAX_ZOOM);
    const L = this._layout();
    const halfW = L.w / 2 / L.scale;
    const halfH = L.h / 2 / L.scale;
    this._view.cx = halfW * 2 >= width ? width / 2 : clamp(this._view.cx, halfW, width - halfW);
    this._view.cy = halfH * 2 >= height ? height / 2 : clamp(this._view.cy, halfH, height - halfH);
  }

  _zoomBy(factor, at) {
    if (!this._photo) return;
    const z0 = this._view.zoom;
    const z1 = clamp(z0 * factor, 1, MAX_ZOOM);
    if (at) {
      // Keep the point under the cursor still.
      this._view.cx = at.x - (at.x - this._view.cx) * (z0 / z1);
      this._view.cy = at.y - (at.y - this._view.cy) * (z0 / z1);
    }
    this._view.zoom = z1;
    this._clampView();
    this._requestRender();
  }

  _fit() {
    if (!this._photo) return;
    this._view = { zoom: 1, cx: this._photo.width / 2, cy: this._photo.height / 2 };
    this._requestRender();
  }

  // ---- pointer handling ---------------------------------------------------------

  _pointerDown(e) {
    if (!this._photo || !this._vis || e.button > 0) return;
    const handle = e.target.closest?.('[data-point]');
    const pupil = e.target.closest?.('[data-pupil]');
    this._pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    try {
      this._stage.setPointerCapture(e.pointerId);
    } catch {
      // Synthetic events have no capturable pointer.
    }
    if (this._pointers.size === 2) {
      // Second finger: pinch-zoom replaces whatever the first started.
      this._cancelDrag();
      const [a, b] = [...this._pointers.values()];
      this._drag = { kind: 'pinch', dist: Math.hypot(a.x - b.x, a.y - b.y), zoom: this._view.zoom };
      this._dragFrame = null;
      return;
    }
    const p = this._toImage(e);
    // Keyboard shortcuts (undo) need focus inside the widget after a drag.
    this._stage.focus({ preventScroll: true });
    if (this._mode === 'calibrate') {
      // Taps calibrate even on top of the markers and handles.
      this._calTap(p);
    } else if (handle) {
      e.preventDefault();
      this._drag = { kind: 'point', index: Number(handle.dataset.point) };
    } else if (pupil) {
      e.preventDefault();
      this._drag = { kind: 'pupil', which: pupil.dataset.pupil };
    } else if (this._mode === 'add' || this._mode === 'erase' || this._mode === 'scar') {
      try {
        this._vis.beginStroke(this._mode, this._brushMm, p.x, p.y);
        this._drag = { kind: 'brush' };
        this._requestRender();
      } catch (err) {
        this._report(new VisualizerError('brush', visitorMessage(this.getAttribute('lang'), err), err));
      }
    } else {
      this._drag = { kind: 'pan', x: e.clientX, y: e.clientY, cx: this._view.cx, cy: this._view.cy };
    }
    // Pans and pinches move the photo in the stage; the other drags do not.
    const still = this._drag && this._drag.kind !== 'pan';
    this._dragFrame = this._drag ? { rect: this._stage.getBoundingClientRect(), layout: still ? this._layout() : null } : null;
  }

  _pointerMove(e) {
    if (this._pointers.has(e.pointerId)) this._pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    const p = this._photo ? this._toImage(e) : null;
    if (p && ['add', 'erase', 'scar'].includes(this._mode)) this._drawBrushCursor(p);
    const d = this._drag;
    if (!d || !p) return;
    if (d.kind === 'pinch') {
      const [a, b] = [...this._pointers.values()];
      if (!a || !b) return;
      const dist = Math.hypot(a.x - b.x, a.y - b.y);
      this._view.zoom = clamp(d.zoom * dist / Math.max(1, d.dist), 1, MAX_ZOOM);
      this._clampView();
      this._requestRender();
    } else if (d.kind === 'point') {
      this._vis.movePoint(d.index, p.x, p.y);
      d.moved = true;
      this._requestRender();
    } else if (d.kind === 'pupil') {
      d.moved = true;
      d.to = p;
      this._drawOverlay(d);
    } else if (d.kind === 'brush') {
      this._vis.extendStroke(p.x, p.y);
      this._requestRender();
    } else if (d.kind === 'pan') {
      const L = this._layout();
      this._view.cx = d.cx - (e.clientX - d.x) / L.scale;
      this._view.cy = d.cy - (e.clientY - d.y) / L.scale;
      this._clampView();
      this._requestRender();
    }
  }

  _pointerUp(e) {
    this._pointers.delete(e.pointerId);
    const d = this._drag;
    if (this._pointers.size > 0 && d?.kind === 'pinch') return;
    this._drag = null;
    this._dragFrame = null;
    if (!d) return;
    if (d.kind === 'pupil' && d.moved && d.to) {
      const c = this._vis.calibration();
      const l = d.which === 'left' ? d.to : c.leftPupil;
      const r = d.which === 'right' ? d.to : c.rightPupil;
      this._applyCalibration(l, r);
    } else if ((d.kind === 'point' && d.moved) || d.kind === 'brush') {
      this._committed();
    }
  }

  _cancelDrag() {
    if (this._drag?.kind === 'brush' || this._drag?.kind === 'point') this._committed();
    this._drag = null;
    this._dragFrame = null;
  }

  _calTap(p) {
    this._calTaps.push(p);
    if (this._calTaps.length === 1) {
      this._showMessage(this._t.calibrateSecond);
      this._drawOverlay();
      return;
    }
    const [a, b] = this._calTaps;
    this._calTaps = [];
    if (this._applyCalibration(a, b)) this._setMode('move');
  }

  _applyCalibration(a, b) {
    const ipd = Number(this._ipd.input.value) || this._defaults.ipdMm;
    try {
      this._vis.setCalibration(a.x, a.y, b.x, b.y, ipd, 'visitor');
      this._noFace = false;
      this._segmentForCalibration();
      this._suggestShade();
      this._showMessage(this._t.calibrated);
      this._committed();
      return true;
    } catch (err) {
      this._report(new VisualizerError('invalid-calibration', visitorMessage(this.getAttribute('lang'), err), err));
      this._drawOverlay();
      return false;
    }
  }

  _drawBrushCursor(p) {
    const f = this._vis?.frame();
    if (!f) return;
    const s = this._toStage(p.x, p.y);
    this._brushEl.setAttribute('cx', s.x);
    this._brushEl.setAttribute('cy', s.y);
    this._brushEl.setAttribute('r', this._brushMm * f.pxPerMm * this._layout().scale);
    this._brushEl.dataset.mode = this._mode;
  }

  _movePointBy(index, dxMm, dyMm) {
    // Steps are millimetres on the head, so the shown height moves by them exactly.
    this._vis.nudgePoint(index, dxMm, dyMm);
    this._committed();
  }

  // ---- controls state ---------------------------------------------------------

  _syncControls() {
    const has = !!(this._vis && this._photo);
    this._empty.hidden = has;
    this._canvas.hidden = !has;
    this._overlay.style.display = has ? '' : 'none';
    // The design controls stay live on the mirror.
    for (const c of this._controls.querySelectorAll('button, input, select')) {
      c.disabled = !has && !(this._vis && this._mirror);
    }
    this._loadBtn.disabled = !this._vis;
    this._chooseBtn.disabled = false;
    this._cameraBtn.disabled = false;
    this._newPhotoBtn.disabled = false;
    for (const b of [this._zoomIn, this._zoomOut, this._zoomFit, this._compareBtn, this._guidesBtn]) b.disabled = !has;
    this._shareBtn.disabled = !this._vis;
    if (!this._vis) return;
    const d = this.getDesign();
    this._styleButtons.forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.style === d.style)));
    this._height.input.value = d.height_mm;
    this._density.input.value = d.density;
    this._dot.input.value = d.dot_mm;
    this._brush.input.value = this._brushMm;
    const preset = SHADES.includes(d.shade);
    this._shadeSelect.value = preset ? d.shade : 'custom';
    this._shadeColour.hidden = preset;
    if (!preset) this._shadeColour.value = d.shade;
    this._lookButtons.forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.look === d.look)));
    this._sessionButtons.forEach((b) => b.setAttribute('aria-pressed', String(Number(b.dataset.session) === d.session)));
    this._symmetric.checked = d.symmetric;
    this._modeSelect.value = d.mode || 'hairline';
    this._hairSelect.value = d.hair || 'dark';
    this._buzz.checked = !!d.buzz_cut;
    const c = has ? this._vis.calibration() : null;
    if (c) this._ipd.input.value = c.ipdMm;
    this._undoBtn.disabled = this._undo.length < 2;
    this._redoBtn.disabled = this._redo.length === 0;
    this._brush.wrap.hidden = !['add', 'erase', 'scar'].includes(this._mode);
    this._status.textContent = c ? (c.source === 'estimated' ? this._t.estimated : c.source === 'detected' ? this._t.detected : this._t.calibrated) : '';
    this._status.dataset.kind = c?.source || '';
    this._syncWarnings();
    this._describeImage();
    this._syncValues();
  }

  /** Placement warnings (never blocking): too low, too straight, lopsided. */
  _syncWarnings() {
    // Warnings are about the hairline on the photo: none without one.
    const list = this._vis && this._photo ? this._vis.guardrails() : [];
    const t = this._t;
    const text = list.map((g) => t.guardrails[g.code]?.(formatNumber(t, g.value_mm / 10, 1), formatNumber(t, g.value_mm, 0))).filter(Boolean);
    this._warnings.replaceChildren(...text.map((t) => el('li', { text: t })));
    this._warnings.hidden = text.length === 0;
  }

  _syncValues() {
    const t = this._t;
    const n = (input, digits) => formatNumber(t, Number(input.value), digits);
    this._height.value.textContent = t.heightValue(formatNumber(t, Number(this._height.input.value) / 10, 1));
    this._density.value.textContent = t.densityValue(n(this._density.input, 0));
    this._dot.value.textContent = t.dotValue(n(this._dot.input, 2));
    this._brush.value.textContent = t.dotValue(n(this._brush.input, 0));
    this._ipd.value.textContent = t.ipdValue(n(this._ipd.input, 1));
    const th = this._faceThirds();
    this._thirds.hidden = !th;
    if (th) {
      this._thirds.textContent = t.thirds(...th.cm, t.balance[th.balance]);
      this._thirds.dataset.balance = th.balance;
    }
  }

  /** The face's thirds in cm and how the forehead compares, or null until a face was found. */
  _faceThirds() {
    const th = this._vis && this._photo ? this._vis.thirds() : null;
    return th && { cm: [th.upper_mm, th.middle_mm, th.lower_mm].map((v) => formatNumber(this._t, v / 10, 1)), balance: th.balance };
  }

  // ---- rendering ------------------------------------------------------------------

  _requestRender() {
    mirrorDesign(this);
    if (this._frameRequested) return;
    this._frameRequested = true;
    requestAnimationFrame(() => {
      this._frameRequested = false;
      try {
        this._renderNow();
      } catch (e) {
        this._report(new VisualizerError('internal', this._t.errors.internal), e);
      }
    });
  }

  _renderNow() {
    if (!this._vis || !this._photo || !this.isConnected) {
      this._drawOverlay();
      return;
    }
    const L = this._layout();
    const { width: iw, height: ih } = this._photo;
    // Visible part of the photo, in image px and stage CSS px.
    const x0 = Math.max(0, -L.ox / L.scale);
    const y0 = Math.max(0, -L.oy / L.scale);
    const x1 = Math.min(iw, (L.w - L.ox) / L.scale);
    const y1 = Math.min(ih, (L.h - L.oy) / L.scale);
    if (x1 <= x0 || y1 <= y0) return;
    const cssW = (x1 - x0) * L.scale;
    const cssH = (y1 - y0) * L.scale;
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    let pw = Math.max(1, Math.round(cssW * dpr));
    let ph = Math.max(1, Math.round(cssH * dpr));
    // Never render the preview larger than the photo region it shows.
    const shrink = Math.min(1, (x1 - x0) / pw, 4e6 / (pw * ph));
    if (shrink < 1) {
      pw = Math.max(1, Math.round(pw * shrink));
      ph = Math.max(1, Math.round(ph * shrink));
    }
    const canvas = this._canvas;
    if (canvas.width !== pw || canvas.height !== ph) {
      canvas.width = pw;
      canvas.height = ph;
    }
    // Set only what changed: each style write makes the page recompute.
    const box = { left: `${x0 * L.scale + L.ox}px`, top: `${y0 * L.scale + L.oy}px`, width: `${cssW}px`, height: `${cssH}px` };
    for (const [k, v] of Object.entries(box)) if (canvas.style[k] !== v) canvas.style[k] = v;

    const t0 = performance.now();
    this._vis.setView(x0, y0, x1 - x0, y1 - y0, pw, ph);
    const stats = this._vis.renderPreview();
    const ctx = canvas.getContext('2d');
    // No face found and no taps yet: show the photo alone, no guessed hairline.
    if (this._noFace) this._vis.presentBase(ctx, 0, 0);
    else this._vis.presentPreview(ctx, 0, 0);
    if (this._compare) {
      const splitPx = Math.round(pw * this._split);
      if (splitPx > 0) this._vis.presentBase(ctx, 0, 0, splitPx);
      const sx = x0 * L.scale + L.ox + cssW * this._split;
      this._splitLine.style.left = `${sx}px`;
    }
    const ms = performance.now() - t0;
    this._drawOverlay();
    this._describe(stats.dots);
    if (this._autoPlacePending) {
      this._autoPlacePending = false;
      setTimeout(() => this.autoPlace().catch(() => { /* shown and reported as an error event */ }), 0);
    }
    this.dispatchEvent(new CustomEvent('render', { detail: { width: stats.width, height: stats.height, dots: stats.dots, ms } }));
  }

  /** The canvas's text alternative: style, height and look, kept current. */
  _describeImage() {
    if (!this._vis) return;
    const t = this._t;
    const d = this.getDesign();
    const cm = formatNumber(t, d.height_mm / 10, 1);
    this._canvas.setAttribute('aria-label', t.alt(t.styles[d.style].toLowerCase(), cm, t[d.look].toLowerCase()));
  }

  _describe(dots) {
    const t = this._t;
    const cm = formatNumber(t, this.getDesign().height_mm / 10, 1);
    this._describeImage();
    const live = t.live(cm, dots);
    if (this._live.textContent !== live && !this._drag) this._live.textContent = live;
  }

  _drawOverlay(pupilDrag) {
    this._layoutNow = this._layout();
    try {
      this._drawOverlayNow(pupilDrag);
    } finally {
      this._layoutNow = null;
    }
  }

  _drawOverlayNow(pupilDrag) {
    const has = this._vis && this._photo;
    const L = this._layout();
    this._overlay.setAttribute('viewBox', `0 0 ${L.w} ${L.h}`);
    this._overlay.setAttribute('width', L.w);
    this._overlay.setAttribute('height', L.h);
    this._pupilsG.replaceChildren();
    if (!has) {
      this._handlesG.replaceChildren();
      this._pathEl.setAttribute('d', '');
      return;
    }
    const t = this._t;
    const path = this._vis.hairlinePath();
    let dstr = '';
    for (let i = 0; i < path.length; i += 2) {
      const s = this._toStage(path[i], path[i + 1]);
      dstr += `${i ? 'L' : 'M'}${s.x.toFixed(1)},${s.y.toFixed(1)}`;
    }
    this._pathEl.setAttribute('d', this._noFace ? '' : dstr);
    const pts = this._noFace ? [] : this._vis.controlPoints();
    // The handles are made once and moved after: rebuilding them on every
    // frame of a drag made the page lay out its SVG again each time.
    if (this._handlesG.children.length !== pts.length / 2) {
      this._handlesG.replaceChildren();
      for (let i = 0; i < pts.length / 2; i++) {
        const g = svg('g', { class: 'hv-handle', 'data-point': i, tabindex: 0, role: 'button' });
        g.append(svg('circle', { r: 22, class: 'hv-hit' }), svg('circle', { r: i === 3 ? 8 : 6.5, class: 'hv-dot' }));
        g.addEventListener('keydown', (e) => {
          const step = e.shiftKey ? 5 : 0.5;
          const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
          const m = moves[e.key];
          if (!m) return;
          e.preventDefault();
          this._movePointBy(i, m[0], m[1]);
        });
        this._handlesG.append(g);
      }
    }
    for (let i = 0; i < pts.length / 2; i++) {
      const s = this._toStage(pts[i * 2], pts[i * 2 + 1]);
      const g = this._handlesG.children[i];
      const attrs = {
        'aria-roledescription': t.handleRole, 'aria-label': t.point(t.pointNames[i]),
        transform: `translate(${s.x.toFixed(1)},${s.y.toFixed(1)})`,
      };
      for (const [k, v] of Object.entries(attrs)) if (g.getAttribute(k) !== v) g.setAttribute(k, v);
    }
    // Pupil markers: draggable to refine the calibration.
    const c = this._vis.calibration();
    if (c) {
      for (const which of ['left', 'right']) {
        let p = which === 'left' ? c.leftPupil : c.rightPupil;
        if (pupilDrag?.which === which && pupilDrag.to) p = pupilDrag.to;
        const s = this._toStage(p.x, p.y);
        const g = svg('g', {
          class: `hv-pupil hv-pupil-${c.source}`, 'data-pupil': which,
          transform: `translate(${s.x.toFixed(1)},${s.y.toFixed(1)})`,
        });
        g.append(svg('circle', { r: 18, class: 'hv-hit' }), svg('circle', { r: 7, class: 'hv-ring' }),
          svg('path', { d: 'M-11,0H-4M4,0H11M0,-11V-4M0,4V11', class: 'hv-cross' }));
        this._pupilsG.append(g);
      }
    }
    for (const tap of this._calTaps) {
      const s = this._toStage(tap.x, tap.y);
      const g = svg('g', { class: 'hv-pupil hv-tap', transform: `translate(${s.x},${s.y})` });
      g.append(svg('circle', { r: 7, class: 'hv-ring' }));
      this._pupilsG.append(g);
    }
  }
}

// Attributes reflected as properties (el.clinicName = '…' sets clinic-name).
for (const [prop, attr] of Object.entries({
  src: 'src', clinicName: 'clinic-name', ctaLabel: 'cta-label', ctaHref: 'cta-href', accent: 'accent',
  defaultStyle: 'default-style', defaultShade: 'default-shade', maxMegapixels: 'max-megapixels',
  autoPlacement: 'auto-place', baseUrl: 'base-url',
})) {
  Object.defineProperty(HairlineVisualizer.prototype, prop, {
    get() { return this.getAttribute(attr); },
    set(v) { if (v == null) this.removeAttribute(attr); else this.setAttribute(attr, String(v)); },
    configurable: true,
    enumerable: true,
  });
}

if (!customElements.get('hairline-visualizer')) {
  customElements.define('hairline-visualizer', HairlineVisualizer);
}
