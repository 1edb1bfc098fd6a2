// Generates the dot field (the heaviest one-off work of the core: about a
// second on a phone) off the main thread, with its own instance of the same
// WebAssembly build, and hands it back as flat numbers.
// Message in: {glue, wasm, seed} (URLs of the build to use); out:
// {seed, data: Float32Array} or {error}.
self.onmessage = async (e) => {
  const { glue, wasm, seed } = e.data;
  try {
    const core = await import(glue);
    await core.default({ module_or_path: wasm });
    const data = core.dotField(seed);
    self.postMessage({ seed, data }, [data.buffer]);
  } catch (err) {
    self.postMessage({ error: String((err && err.message) || err) });
  }
};
