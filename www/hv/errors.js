// The element's errors: a VisualizerError has the public `code` (README,
// hairline-visualizer.d.ts) and a message a visitor can read; one that
// reports a core error also has the core's code (`reason`) and `params`.

/** An Error whose message a visitor can read, with a machine code. */
export class VisualizerError extends Error {
  /** `core`: the core's error this one reports, if any (its `code` is kept
   * as `reason` and its `params` as `params`, so the element can phrase it
   * in the visitor's language). */
  constructor(code, message, core) {
    super(message);
    this.name = 'VisualizerError';
    this.code = code;
    if (core && typeof core.code === 'string') {
      this.reason = core.code;
      this.params = core.params || {};
    }
  }
}
