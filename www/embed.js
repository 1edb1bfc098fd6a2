// The iframe embed: for hosts whose Content-Security-Policy forbids
// WebAssembly in their own page. Configure with query parameters:
//   embed.html?origins=https://clinic.example&lang=es&clinic-name=…&cta-label=…&cta-href=…
//             &accent=…&default-style=…&default-shade=…&max-megapixels=…
// `origins` is the allow-list: commands are accepted only from these origins
// and events are posted only to them. Protocol:
//   in:  {type: 'hv:command', id, method, args: [...]}
//        method ∈ loadImage, getDesign, setDesign, setCalibration, getCalibration, toBlob, undo, redo, clearPhoto
//   out: {type: 'hv:result', id, ok: true, result} | {type: 'hv:result', id, ok: false, error: {code, message}}
//        {type: 'hv:event', name, detail} for ready, image-load, design-change, render, error, consult-request
import './hairline-visualizer.js';

const ATTRIBUTES = ['lang', 'clinic-name', 'cta-label', 'cta-href', 'accent', 'default-style', 'default-shade', 'max-megapixels'];
const METHODS = new Set(['loadImage', 'getDesign', 'setDesign', 'setCalibration', 'getCalibration', 'toBlob', 'undo', 'redo', 'clearPhoto']);
const EVENTS = ['ready', 'image-load', 'design-change', 'render', 'error', 'consult-request'];

const params = new URLSearchParams(location.search);
const el = document.querySelector('hairline-visualizer');
for (const name of ATTRIBUTES) {
  const v = params.get(name);
  if (v != null) el.setAttribute(name, v);
}

/** The allowed parent origins (exact scheme://host:port). */
const allowed = new Set(
  (params.get('origins') || '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .flatMap((s) => {
      try {
        const u = new URL(s);
        return u.protocol === 'https:' || u.protocol === 'http:' ? [u.origin] : [];
      } catch {
        console.warn(`hairline-visualizer embed: origin "${s}" ignored`);
        return [];
      }
    }),
);

function post(message) {
  if (window.parent === window) return;
  for (const origin of allowed) window.parent.postMessage(message, origin);
}

for (const name of EVENTS) {
  el.addEventListener(name, (e) => {
    // A cancelable consult-request is answered here: the parent decides.
    if (name === 'consult-request') e.preventDefault();
    post({ type: 'hv:event', name, detail: e.detail ?? null });
  });
}

window.addEventListener('message', async (e) => {
  const msg = e.data;
  if (!msg || msg.type !== 'hv:command') return;
  if (!allowed.has(e.origin)) {
    console.warn(`hairline-visualizer embed: command from ${e.origin} rejected (not in origins)`);
    return;
  }
  const reply = (body) => e.source?.postMessage({ type: 'hv:result', id: msg.id, ...body }, e.origin);
  if (!METHODS.has(msg.method)) {
    reply({ ok: false, error: { code: 'unknown-method', message: `unknown method ${String(msg.method).slice(0, 40)}` } });
    return;
  }
  try {
    const args = Array.isArray(msg.args) ? msg.args : [];
    const result = await el[msg.method](...args);
    reply({ ok: true, result: result ?? null });
  } catch (err) {
    reply({ ok: false, error: { code: err.code || 'error', message: String(err.message || err) } });
  }
});
