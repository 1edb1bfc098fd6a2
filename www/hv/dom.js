// Small DOM and browser helpers the element's modules share.

export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v == null) continue;
    if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) node.append(c);
  return node;
}

export function svg(tag, attrs = {}) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

export const warn = (message) => console.warn(`<hairline-visualizer>: ${message}`);
export const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
export const isFiniteNumber = (v) => typeof v === 'number' && Number.isFinite(v);

export function downloadBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function looksLikeHeic(blob) {
  const name = (blob.name || '').toLowerCase();
  return /image\/hei[cf]/.test(blob.type) || name.endsWith('.heic') || name.endsWith('.heif');
}
