// Contact sheets of every photo in ../shared/photos, rendered through the
// real element in Debian's Chromium with the element's default design
// (natural style), calibrated by the element's own face detection:
//   target/gallery/contact-sheet.png   every photo × every mode × every look
//   target/gallery/closeups.png        every photo, healed hairline, 2× around the scalp
//   target/gallery/<photo>-<mode>-<look>.png   each full-resolution render
//
//   node tests/gallery/run.mjs        (make gallery builds first)
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../playwright.config.mjs';
import { spawn } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PHOTOS_DIR } from '../e2e/helpers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = path.join(root, 'target', 'gallery');
const PORT = 8139;
// GALLERY_MODES / GALLERY_LOOKS (comma-separated) narrow a quick look.
const pick = (env, all) => (process.env[env] ? process.env[env].split(',').filter((v) => all.includes(v)) : all);
const MODES = pick('GALLERY_MODES', ['hairline', 'full', 'thinning']);
const LOOKS = pick('GALLERY_LOOKS', ['healed', 'fresh', 'aged']);
const names = (await readdir(PHOTOS_DIR)).filter((f) => /\.jpe?g$/i.test(f)).sort();

const server = spawn(process.execPath, [path.join(root, 'tools', 'serve.mjs'), '--root', path.join(root, 'www'), '--port', String(PORT)], {
  env: { ...process.env, SERVE_TEST_PHOTOS: '1' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  await mkdir(outDir, { recursive: true });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  for (let i = 0; i < 50; i++) {
    try { await page.goto(`http://127.0.0.1:${PORT}/`); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  await page.waitForFunction(() => customElements.get('hairline-visualizer'));
  const cell = 300;
  const cols = 1 + MODES.length * LOOKS.length;
  const sheet = { width: cols * cell, height: names.length * (cell + 24) + 30, rows: [] };
  const closeups = [];
  for (const name of names) {
    // Each render comes back as a PNG (full size) plus its crop for the sheets.
    const result = await page.evaluate(async ({ name, MODES, LOOKS, cell }) => {
      const el = document.querySelector('hairline-visualizer');
      await el.loadImage(`/__photos/${name}`);
      let placed = true;
      try { await el.autoPlace(); } catch { placed = false; }
      const cal = el.getCalibration();
      const ipd = Math.hypot(cal.rightPupil.x - cal.leftPupil.x, cal.rightPupil.y - cal.leftPupil.y);
      const cx = (cal.leftPupil.x + cal.rightPupil.x) / 2;
      const cy = (cal.leftPupil.y + cal.rightPupil.y) / 2;
      // The crop: from just below the pupils up to the top of the photo.
      const side = Math.min(ipd * 3.2, cy + ipd * 0.6);
      const crop = [cx - side / 2, cy + ipd * 0.6 - side, side, side];
      // The close-up: the top of the head, 2× on screen.
      const cside = Math.min(ipd * 2.2, cy);
      const close = [cx - cside / 2, Math.max(0, cy - ipd * 0.35 - cside), cside, cside * 0.55];
      const toBytes = async (blob) => Array.from(new Uint8Array(await blob.arrayBuffer()));
      const cut = async (blob, rect, w, h) => {
        const bmp = await createImageBitmap(blob);
        const c = new OffscreenCanvas(w, h);
        c.getContext('2d').drawImage(bmp, ...rect, 0, 0, w, h);
        bmp.close();
        return toBytes(await c.convertToBlob({ type: 'image/png' }));
      };
      const photo = await (await fetch(`/__photos/${name}`)).blob();
      const cells = [await cut(photo, crop, cell, cell)];
      const renders = [];
      let close2x = null;
      el.shadowRoot.querySelector('.hv-chip[data-style="natural"]').click();
      for (const mode of MODES) {
        for (const look of LOOKS) {
          el.setDesign({ ...el.getDesign(), mode, look });
          const blob = await el.toBlob();
          cells.push(await cut(blob, crop, cell, cell));
          renders.push({ file: `${name.replace(/\.jpe?g$/i, '')}-${mode}-${look}.png`, bytes: await toBytes(blob) });
          if (mode === 'hairline' && look === 'healed') {
            const w = Math.round(close[2] * 2);
            close2x = { before: await cut(photo, close, w, Math.round(close[3] * 2)), after: await cut(blob, close, w, Math.round(close[3] * 2)) };
          }
        }
      }
      return { cells, renders, close2x, placed };
    }, { name, MODES, LOOKS, cell });
    for (const r of result.renders) await writeFile(path.join(outDir, r.file), Buffer.from(r.bytes));
    sheet.rows.push({ name: result.placed ? name : `${name} (no face found)`, cells: result.cells });
    closeups.push({ name, ...result.close2x });
    console.log(`rendered ${name}${result.placed ? '' : ' (no face found: pupils not placed)'}`);
  }
  // Assemble both sheets in the page (it has a PNG codec).
  const assembled = await page.evaluate(async ({ sheet, closeups, MODES, LOOKS, cell }) => {
    const bmp = async (bytes) => createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(sheet.width, sheet.height);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = '#222';
    ctx.font = '14px sans-serif';
    ['photo', ...MODES.flatMap((m) => LOOKS.map((l) => `${m} · ${l}`))].forEach((h, c) => ctx.fillText(h, c * cell + 6, 18));
    for (const [r, row] of sheet.rows.entries()) {
      const y = 30 + r * (cell + 24);
      for (const [c, bytes] of row.cells.entries()) ctx.drawImage(await bmp(bytes), c * cell, y);
      ctx.fillText(row.name, 6, y + cell + 16);
    }
    const out = [Array.from(new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer()))];
    // Close-ups: before | after per photo, stacked.
    const pics = [];
    for (const c of closeups) pics.push([await bmp(c.before), await bmp(c.after), c.name]);
    const W = Math.max(...pics.map(([b]) => b.width * 2 + 10));
    const H = pics.reduce((s, [b]) => s + b.height + 24, 0);
    const cc = new OffscreenCanvas(W, H);
    const c2 = cc.getContext('2d');
    c2.fillStyle = '#fff';
    c2.fillRect(0, 0, W, H);
    c2.fillStyle = '#222';
    c2.font = '14px sans-serif';
    let y = 0;
    for (const [b, a, name] of pics) {
      c2.fillText(`${name}: before | healed natural hairline (2×)`, 4, y + 16);
      c2.drawImage(b, 0, y + 22);
      c2.drawImage(a, b.width + 10, y + 22);
      y += b.height + 24;
    }
    out.push(Array.from(new Uint8Array(await (await cc.convertToBlob({ type: 'image/png' })).arrayBuffer())));
    return out;
  }, { sheet, closeups, MODES, LOOKS, cell });
  await writeFile(path.join(outDir, 'contact-sheet.png'), Buffer.from(assembled[0]));
  await writeFile(path.join(outDir, 'closeups.png'), Buffer.from(assembled[1]));
  console.log(`wrote ${path.join(outDir, 'contact-sheet.png')} and closeups.png`);
  await browser.close();
} finally {
  server.kill();
}
