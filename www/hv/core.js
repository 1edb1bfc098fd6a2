// The WebAssembly core, loaded once per page: feature detection (the
// simd128 build where it runs), where pkg/ and models/ are (next to the
// element's module, or its `base-url`), panics routed to the elements, and
// the guard that turns a trap into a readable error.

import { warn } from './dom.js';
import { VisualizerError } from './errors.js';

/** The folder of hairline-visualizer.js (this module is in its hv/). */
const SITE_URL = new URL('../', import.meta.url);

let wasmPromise = null;
/** The connected elements, told when the core panics. */
export const liveElements = new Set();

// The smallest module using a simd128 instruction (i8x16.splat, i8x16.popcnt);
// it validates only where the browser runs WebAssembly SIMD.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** Whether this browser runs WebAssembly SIMD (then the simd128 build loads). */
export function simdSupported() {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/** Where pkg/ and models/ live: next to this module unless the first
 * element on the page says otherwise with `base-url`. */
let assetBase = null;
export const assetUrl = (path) => new URL(path, assetBase || SITE_URL);

/** Take the first element's `base-url` as where pkg/ and models/ are,
 * unless the core is already loading from elsewhere. */
export function useBaseUrl(base) {
  if (!base || wasmPromise || assetBase) return;
  try {
    assetBase = new URL(base.endsWith('/') ? base : `${base}/`, document.baseURI).href;
  } catch {
    warn(`base-url="${base}" ignored; it is not a URL`);
  }
}

/** Load and instantiate the WebAssembly core once per page. */
export function loadWasm() {
  if (!wasmPromise) {
    // A panic inside Rust reports here before the call throws.
    globalThis.__hairlineVisualizerPanic = (message) => {
      for (const el of liveElements) el._onPanic(message);
    };
    wasmPromise = (async () => {
      const simd = simdSupported();
      const dir = simd ? './pkg/simd/' : './pkg/';
      const urls = { glue: assetUrl(`${dir}hairline_visualizer.js`).href, wasm: assetUrl(`${dir}hairline_visualizer_bg.wasm`).href };
      const glue = await import(urls.glue);
      const exports = await glue.default({ module_or_path: urls.wasm });
      return { glue, exports, simd, urls };
    })();
    wasmPromise.catch(() => { wasmPromise = null; });
  }
  return wasmPromise;
}

/**
 * Wrap a wasm object so that a trap inside any of its methods (a Rust panic:
 * the object is unusable afterwards) calls `onTrap` and surfaces as a
 * readable error instead of a dead widget.
 */
export function guard(target, onTrap) {
  return new Proxy(target, {
    get(obj, key) {
      const v = obj[key];
      if (typeof v !== 'function') return v;
      return (...args) => {
        try {
          return v.apply(obj, args);
        } catch (e) {
          if (e instanceof WebAssembly.RuntimeError) {
            // onTrap returns the visitor's message (never the trap's own text).
            throw new VisualizerError('internal', onTrap(e) || 'internal error', e);
          }
          throw e;
        }
      };
    },
  });
}
