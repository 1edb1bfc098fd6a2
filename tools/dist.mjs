// make dist: a versioned, self-contained folder for clinics to host:
// target/dist/hairline-visualizer-<version>/ with the module, its CSS,
// strings, worker, both wasm builds, the embed page, types, and EMBED.md
// with copy-paste snippets and subresource-integrity hashes.
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cargo = await readFile(path.join(root, 'Cargo.toml'), 'utf8');
const version = /^version\s*=\s*"([^"]+)"/m.exec(cargo)[1];
const name = `hairline-visualizer-${version}`;
const out = path.join(root, 'target', 'dist', name);
const FILES = [
  'hairline-visualizer.js', 'hairline-visualizer.css', 'hairline-visualizer.d.ts', 'i18n.js', 'decode-worker.js',
  'field-worker.js', 'model-worker.js', 'mirror-worker.js', 'hv/brief-sheet.js', 'hv/core.js', 'hv/dom.js', 'hv/errors.js', 'hv/export.js', 'hv/mirror.js', 'hv/models.js', 'hv/qr.js', 'hv/workers.js', 'embed.html', 'embed.js', 'embed.css', 'brief.html', 'brief.js', 'brief.css', 'embed-guide.html', 'embed-guide.js', 'embed-guide.css', 'site.css', 'favicon.svg',
  'pkg/hairline_visualizer.js', 'pkg/hairline_visualizer_bg.wasm',
  'pkg/simd/hairline_visualizer.js', 'pkg/simd/hairline_visualizer_bg.wasm',
  'models/tiny_face_detector_model.bin', 'models/tiny_face_detector_model-weights_manifest.json',
  'models/face_landmark_68_model.bin', 'models/face_landmark_68_model-weights_manifest.json',
  'models/selfie_segmentation.tflite',
];

await rm(out, { recursive: true, force: true });
await mkdir(path.join(out, 'pkg', 'simd'), { recursive: true });
await mkdir(path.join(out, 'models'), { recursive: true });
await mkdir(path.join(out, 'hv'), { recursive: true });
const sri = {};
for (const f of FILES) {
  const src = path.join(root, 'www', f);
  await cp(src, path.join(out, f));
  sri[f] = `sha384-${createHash('sha384').update(await readFile(src)).digest('base64')}`;
}
const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'";
const md = `# Embedding hairline-visualizer ${version}

Copy this folder to your site (for example as \`/smp/\`), keeping its layout: the module loads
\`pkg/\` (WebAssembly, a SIMD build where the browser supports it), \`hairline-visualizer.css\`,
\`i18n.js\`, its modules in \`hv/\`, \`decode-worker.js\`, \`field-worker.js\`, \`model-worker.js\` and \`mirror-worker.js\` from next to itself. Nothing is fetched from anywhere else,
and the visitor's photo never leaves the browser. \`models/\` holds the face-detection weights from
the npm package @vladmandic/face-api 1.7.15 (MIT licence) and MediaPipe's selfie segmentation
(\`selfie_segmentation.tflite\` from @mediapipe/selfie_segmentation, Apache-2.0).

## One line

\`\`\`html
<script type="module" src="/smp/hairline-visualizer.js"
        integrity="${sri['hairline-visualizer.js']}"></script>
<hairline-visualizer clinic-name="Your Clinic" lang="en"
        cta-label="Book a consultation" cta-href="https://your-clinic.example/book"></hairline-visualizer>
\`\`\`

Attributes: \`lang\` (en, es), \`clinic-name\`, \`cta-label\`, \`cta-href\` (http/https only), \`accent\` (CSS colour),
\`default-style\` (natural, soft, defined, mature, widows-peak), \`default-shade\` (I–VI or #rrggbb),
\`max-megapixels\` (1–64), \`src\`. Theming: \`--hv-accent\`, \`--hv-font\`, \`--hv-radius\` and the other \`--hv-*\`
properties; \`::part()\` names and the \`logo\` / \`cta\` slots are listed in the project README.
Types: \`hairline-visualizer.d.ts\`.

## Listening for a consultation request

\`\`\`js
document.querySelector('hairline-visualizer').addEventListener('consult-request', (e) => {
  e.preventDefault();            // stay on the page instead of following cta-href
  const { design, preview, fullImage } = e.detail;  // fullImage is null unless the visitor consented
  // send them to your booking system, with the visitor's knowledge
});
\`\`\`

## Content-Security-Policy your page needs

\`\`\`
${csp}
\`\`\`

If the files are served from another origin, add that origin to \`script-src\`, \`style-src\`,
\`connect-src\` and \`worker-src\`. If your policy cannot allow \`'wasm-unsafe-eval'\`, use the iframe:

\`\`\`html
<iframe src="/smp/embed.html?origins=https://your-clinic.example&lang=en&cta-href=https://your-clinic.example/book"
        width="100%" height="900" style="border:0" title="Hairline preview"></iframe>
\`\`\`

The iframe accepts \`{type: 'hv:command', id, method, args}\` messages only from the listed origins and
posts \`hv:result\` and \`hv:event\` messages only to them (see the README for the protocol).

## Subresource-integrity hashes

| file | integrity |
|---|---|
${FILES.map((f) => `| \`${f}\` | \`${sri[f]}\` |`).join('\n')}
`;
await writeFile(path.join(out, 'EMBED.md'), md);
await writeFile(path.join(out, 'sri.json'), JSON.stringify(sri, null, 2));
console.log(`wrote ${path.relative(root, out)}/ (${FILES.length} files + EMBED.md, sri.json)`);
