// Live guide: every attribute and theming property of <hairline-visualizer>,
// applied to the widget on the page as it changes, with the matching snippet
// and a log of the events the widget fires.
import './hairline-visualizer.js';

const form = document.getElementById('options');
const widget = document.getElementById('demo');
const snippet = document.getElementById('snippet');
const events = document.getElementById('events');

function apply() {
  const attrs = [];
  const style = [];
  for (const field of form.elements) {
    if (!field.name) continue;
    const value = field.type === 'range' ? `${field.value}px` : field.value.trim();
    if (field.name.startsWith('--')) {
      widget.style.setProperty(field.name, value);
      style.push(`${field.name}: ${value}`);
    } else if (value === '') {
      widget.removeAttribute(field.name);
    } else {
      widget.setAttribute(field.name, value);
      attrs.push(`${field.name}="${value.replace(/"/g, '&quot;')}"`);
    }
  }
  const styleAttr = style.length ? `\n    style="${style.join('; ')}"` : '';
  snippet.textContent = `<script type="module" src="/smp/hairline-visualizer.js"></script>\n<hairline-visualizer\n    ${attrs.join('\n    ')}${styleAttr}>\n</hairline-visualizer>`;
}

form.addEventListener('input', apply);
form.addEventListener('change', apply);
form.addEventListener('submit', (e) => e.preventDefault());
apply();

for (const name of ['ready', 'image-load', 'design-change', 'auto-place', 'error', 'consult-request']) {
  widget.addEventListener(name, (e) => {
    if (name === 'consult-request') e.preventDefault(); // stay on the guide
    const li = document.createElement('li');
    const d = e.detail;
    const summary = d == null ? '' : name === 'design-change' ? `style ${d.style}, ${d.height_mm} mm, ${d.density}/cm²`
      : name === 'consult-request' ? `design v${d.design.version}, preview ${d.preview.size} B, full image ${d.fullImage ? 'yes' : 'no'}`
        : JSON.stringify(d).slice(0, 120);
    li.textContent = `${name} ${summary}`;
    events.prepend(li);
  });
}
