// Contact sheet: every photo in ../shared/photos × healed/fresh × two styles,
// rendered through the real element in Debian's Chromium, plus a
// before/after crop per photo. Writes target/gallery/*.png.
//
//   node tests/gallery/run.mjs        (make gallery builds first)
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../playwright.config.mjs';
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = path.join(root, 'target', 'gallery');
const PORT = 8139;
const fixtures = JSON.parse(await readFile(path.join(root, 'tests', 'fixtures', 'pupils.json'), 'utf8')).photos;
const LOOKS = ['healed', 'fresh'];
const STYLES = ['natural', 'defined'];

const server = spawn(process.execPath, [path.join(root, 'tools', 'serve.mjs'), '--root', path.join(root, 'www'), '--port', String(PORT)], {
  env: { ...process.env, SERVE_TEST_PHOTOS: '1' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  await mkdir(outDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  for (let i = 0; i < 50; i++) {
    try { await page.goto(`http://127.0.0.1:${PORT}/`); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  await page.waitForFunction(() => customElements.get('hairline-visualizer'));
  const sheet = await page.evaluate(async ({ fixtures, LOOKS, STYLES }) => {
    const el = document.querySelector('hairline-visualizer');
    const names = Object.keys(fixtures);
    const cell = 300;
    const cols = 1 + LOOKS.length * STYLES.length;
    const canvas = new OffscreenCanvas(cols * cell, names.length * (cell + 24) + 30);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = '#222';
    ctx.font = '14px sans-serif';
    const heads = ['photo', ...LOOKS.flatMap((l) => STYLES.map((s) => `${s} · ${l}`))];
    heads.forEach((h, c) => ctx.fillText(h, c * cell + 6, 18));
    for (const [r, name] of names.entries()) {
      await el.loadImage(`/__photos/${name}`);
      el.setCalibration(fixtures[name]);
      const cal = el.getCalibration();
      // The crop: from just below the pupils up to the top of the photo.
      const ipd = Math.hypot(cal.rightPupil.x - cal.leftPupil.x, cal.rightPupil.y - cal.leftPupil.y);
      const cx = (cal.leftPupil.x + cal.rightPupil.x) / 2;
      const cy = (cal.leftPupil.y + cal.rightPupil.y) / 2;
      const side = Math.min(ipd * 3.2, cy + ipd * 0.6);
      const crop = [cx - side / 2, cy + ipd * 0.6 - side, side, side];
      const y = 30 + r * (cell + 24);
      const draw = async (blob, col) => {
        const bmp = await createImageBitmap(blob);
        ctx.drawImage(bmp, ...crop, col * cell, y, cell, cell);
      };
      const res = await fetch(`/__photos/${name}`);
      await draw(await res.blob(), 0);
      ctx.fillText(name, 6, y + cell + 16);
      let col = 1;
      for (const look of LOOKS) {
        for (const style of STYLES) {
          // The style chip applies the preset the way a visitor does.
          el.shadowRoot.querySelector(`.hv-chip[data-style="${style}"]`).click();
          el.setDesign({ ...el.getDesign(), look });
          await draw(await el.toBlob(), col++);
        }
      }
    }
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  }, { fixtures, LOOKS, STYLES });
  await writeFile(path.join(outDir, 'contact-sheet.png'), Buffer.from(sheet));
  console.log(`wrote ${path.join(outDir, 'contact-sheet.png')}`);
  await browser.close();
} finally {
  server.kill();
}
