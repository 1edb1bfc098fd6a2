// The element's errors: a VisualizerError has the public `code` (README,
// hairline-visualizer.d.ts) and a message a visitor can read.

/** An Error whose message a visitor can read, with a machine code. */
export class VisualizerError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'VisualizerError';
    this.code = code;
  }
}
