// Node-side shortcuts to the element's test hook (www/hv/test-hook.js).
/** Bytes of WebAssembly memory the page's first widget uses. */
export const wasmMemoryBytes = (page) => page.evaluate(async () => (await import('/hv/test-hook.js')).testHook(document.querySelector('hairline-visualizer')).memoryBytes());
