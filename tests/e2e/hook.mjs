// What the tests read from inside the element, in one place.
/** Bytes of WebAssembly memory the page's first widget uses. */
export const wasmMemoryBytes = (page) => page.evaluate(() => document.querySelector('hairline-visualizer')._wasm.memory.buffer.byteLength);
