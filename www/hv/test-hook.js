// The test hook: what the browser tests and the benchmark read from inside
// an element, in one place, so they never depend on its private fields
// (which change with its structure). Not part of the public API, and it
// adds nothing a page could misuse: it only reads, on the element it is
// given.
//
//   const { testHook } = await import('/hv/test-hook.js');
//   const hook = testHook(document.querySelector('hairline-visualizer'));
//   await hook.ready();      // the core is loaded (waits for `ready`; loads nothing itself)
//   hook.core();             // the element's Visualizer (src/wasm.rs), e.g. visibleDots(), renderFull(); null once freed
//   hook.memoryBytes();      // bytes of WebAssembly memory the element's core uses (0 before it loads)
//   hook.simd();             // whether the simd128 build runs (null before the core loads)
//   hook.photo();            // {width, height} of the photo in use, or null
//   hook.intake();           // how the last photo came in: {width, height, workingCopy: 'worker' | 'core'}, or null
//   hook.view();             // {zoom, cx, cy}: the stage's zoom and centre (image px)
//   hook.compareSplit();     // where the before/after split is (0–1)
//   hook.ctaHref();          // cta-href as the element will follow it, or null
//   await hook.segmented();  // a segmentation asked for after pupils were placed by hand has arrived (or failed)
//   hook.briefLayout();      // the last designBrief()'s text runs {text, x, y, w, width, font} and the ones that overflow their box: {runs, overflows, page}, or null
//   hook.probeMirror(points); // from the next startMirror() on, read these camera-frame pixels ([[x, y], …]) of every frame
//   hook.mirrorLog();        // that mirror's frames: [{detail, probe: [[r, g, b], …]}], or null
//   hook.mirrorThread();     // where the running mirror tracks: 'worker', 'page', or null

import { lastBriefLayout } from './export.js';

export function testHook(element) {
  if (!element || element.localName !== 'hairline-visualizer') throw new Error('testHook: not a <hairline-visualizer>');
  const el = element;
  return {
    ready: () => (el._vis ? Promise.resolve() : new Promise((res) => el.addEventListener('ready', () => res(), { once: true }))),
    core: () => el._vis ?? null,
    memoryBytes: () => (el._wasm ? el._wasm.memory.buffer.byteLength : 0),
    simd: () => el._simd ?? null,
    photo: () => (el._photo ? { ...el._photo } : null),
    intake: () => (el._lastIntake ? { ...el._lastIntake } : null),
    view: () => ({ zoom: el._view.zoom, cx: el._view.cx, cy: el._view.cy }),
    compareSplit: () => el._split,
    ctaHref: () => el._ctaHref,
    segmented: () => el._segmenting ?? Promise.resolve(),
    briefLayout: () => lastBriefLayout.get(el) ?? null,
    probeMirror: (points) => { el._mirrorProbe = points; },
    mirrorLog: () => el._mirrorLog ?? null,
    mirrorThread: () => el._mirror?.backend?.thread ?? null,
  };
}
