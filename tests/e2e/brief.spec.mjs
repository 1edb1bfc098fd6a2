// The artist's brief, in English and Spanish, on photos of different
// heads: every text run fits its box (the painter measures each with
// ctx.measureText and the test hook hands the runs over), the map's
// dimensions are the core's landmarks in the sheet's language, and no
// English is left on the Spanish sheet. Writes the sheets to target/brief/
// for a look.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { STRINGS } from '../../www/i18n.js';
import { qrEncode } from '../../www/hv/qr.js';
import { watchErrors } from './helpers.mjs';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'target', 'brief');
const PHOTOS = ['front-receding-dark-01.jpg', 'front-thinning-light-01.jpg', 'front-bald-light-01.jpg'];

let errors;
test.beforeEach(async ({ page }) => {
  errors = watchErrors(page);
  await page.goto('/');
});
test.afterEach(() => expect(errors).toEqual([]));

/** Load `photo` in `lang`, wait for the face, paint the brief: its PNG
 * (base64), layout, the design and the core's geometry. */
async function brief(page, photo, lang, { clinic = 'Clínica Capilar Hernández-Villanueva & Asociados' } = {}) {
  return page.evaluate(async ({ photo, lang, clinic }) => {
    const { testHook } = await import('/hv/test-hook.js');
    const el = document.querySelector('hairline-visualizer');
    el.setAttribute('lang', lang);
    el.setAttribute('clinic-name', clinic);
    const placed = new Promise((res) => {
      el.addEventListener('auto-place', () => res('placed'), { once: true });
      el.addEventListener('error', (e) => res(e.detail.code), { once: true });
    });
    await el.loadImage(`/__photos/${photo}`);
    const how = await placed;
    const blob = await el.designBrief();
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    const bmp = await createImageBitmap(blob);
    const size = [blob.type, bmp.width, bmp.height];
    const hook = testHook(el);
    const layout = hook.briefLayout();
    // The QR code as the sheet shows it: each module's centre, dark or light.
    let qrModules = null;
    if (layout.qr) {
      const { x, y, px, size: n } = layout.qr;
      const ctx = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d');
      ctx.drawImage(bmp, 0, 0);
      const data = ctx.getImageData(x, y, (n + 8) * px, (n + 8) * px).data;
      const w = (n + 8) * px;
      qrModules = [];
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < n; c++) {
          const i = (((r + 4) * px + (px >> 1)) * w + (c + 4) * px + (px >> 1)) * 4;
          qrModules.push(data[i] < 128 ? 1 : 0);
        }
      }
    }
    return {
      how, size, png: btoa(bin), layout, design: el.getDesign(), qrModules, link: el.shareLink(),
      geometry: hook.core().briefGeometry(),
    };
  }, { photo, lang, clinic });
}

for (const lang of ['en', 'es']) {
  for (const photo of PHOTOS) {
    test(`${lang}, ${photo}: every text run of the brief fits its box; the map carries the core's measures`, async ({ page }) => {
      test.setTimeout(90_000);
      const r = await brief(page, photo, lang);
      fs.mkdirSync(OUT, { recursive: true });
      fs.writeFileSync(path.join(OUT, `${lang}-${photo.replace('.jpg', '.png')}`), Buffer.from(r.png, 'base64'));
      expect(r.how).toBe('placed');
      expect(r.size).toEqual(['image/png', 1240, 1754]);
      const { runs, overflows, page: sheet } = r.layout;
      expect(overflows).toEqual([]);
      expect(runs.length).toBeGreaterThan(40);
      for (const run of runs) {
        expect(run.x, run.text).toBeGreaterThanOrEqual(0);
        expect(run.x + run.w, run.text).toBeLessThanOrEqual(sheet.width);
        expect(run.y, run.text).toBeLessThanOrEqual(sheet.height);
        expect(run.width, run.text).toBeLessThanOrEqual(run.w + 0.5);
      }
      // The dimensions are the core's landmarks, in the sheet's numbers.
      const fmt = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
      const cm = (mm) => `${fmt.format(mm / 10)} cm`;
      const L = r.geometry.landmarks;
      expect(L.midFrontal.y).toBeCloseTo(r.design.height_mm + r.design.adjust[3][1], 4);
      const texts = runs.map((x) => x.text);
      for (const mm of [L.midFrontal.y, L.cornerWidthMm, ...L.cornerToTempleMm]) expect(texts).toContain(cm(mm));
      expect(texts).toContain(`A–B  ${cm(L.midToCornerMm[0])}`);
      expect(texts).toContain(`D–E  ${cm(L.templeWidthMm)}`);
      // The QR code holds the share link, drawn module for module.
      expect(r.layout.qr?.text).toBe(r.link);
      expect(r.layout.qr.px).toBeGreaterThanOrEqual(2);
      expect(r.qrModules.join('')).toBe(Array.from(qrEncode(r.link, { ecl: 'M' }).modules).join(''));
      // One decimal separator per language, never the other one. The
      // appendix (the design file, in monospace) is data, not prose.
      const prose = runs.filter((x) => !x.font.includes('monospace')).map((x) => x.text);
      expect(prose.length).toBeLessThan(texts.length);
      const other = lang === 'es' ? /\d\.\d/ : /\d,\d/;
      expect(prose.filter((x) => other.test(x))).toEqual([]);
      if (lang === 'es') {
        // No run of the English sheet's own words on the Spanish one.
        const en = STRINGS.en;
        const english = new Set([
          en.briefTitle, en.before, en.after, ...Object.values(en.briefSheet).flatMap((v) => (typeof v === 'string' ? [v] : Object.values(v))),
        ].filter((s) => typeof s === 'string' && /[a-z]{3}/i.test(s)));
        const es = STRINGS.es;
        const spanish = new Set([es.before, es.after, ...Object.values(es.briefSheet).flatMap((v) => (typeof v === 'string' ? [v] : Object.values(v)))]);
        const left = texts.filter((x) => english.has(x) && !spanish.has(x));
        expect(left).toEqual([]);
        expect(prose.join(' ')).not.toMatch(/\b(the|and|above|from|point|corner|temple|session|shade|density|measured|estimated)\b/i);
      }
    });
  }
}

test('a long clinic name and a design full of painted strokes still fit: the appendix is shortened, not spilled', async ({ page }) => {
  test.setTimeout(90_000);
  const layout = await page.evaluate(async () => {
    const { testHook } = await import('/hv/test-hook.js');
    const el = document.querySelector('hairline-visualizer');
    el.setAttribute('lang', 'es');
    el.setAttribute('auto-place', 'off');
    el.setAttribute('clinic-name', 'Centro de Micropigmentación Capilar y Tricología Avanzada de Madrid');
    await el.loadImage('/__photos/front-shaved-dark-01.jpg');
    el.setCalibration({ leftPupil: { x: 177, y: 210 }, rightPupil: { x: 292, y: 216 } });
    const d = el.getDesign();
    d.zones = Array.from({ length: 30 }, (_, i) => ({
      mode: 'add', radius_mm: 8, points: Array.from({ length: 20 }, (_, k) => [-40 + i * 2.5, 90 + k]),
    }));
    el.setDesign(d);
    await el.designBrief();
    return testHook(el).briefLayout();
  });
  expect(layout.overflows).toEqual([]);
  expect(layout.runs.map((x) => x.text)).toContain(STRINGS.es.briefSheet.appendixCut);
});

test('a photo cropped at the brows: the line lies above it, and the brief still paints, with the map and the pair empty where there is no photo', async ({ page }) => {
  test.setTimeout(90_000);
  const r = await page.evaluate(async () => {
    const { testHook } = await import('/hv/test-hook.js');
    const el = document.querySelector('hairline-visualizer');
    el.setAttribute('auto-place', 'off');
    // The shaved portrait from just above the brows down.
    const src = await createImageBitmap(await (await fetch('/__photos/front-shaved-dark-01.jpg')).blob());
    const c = new OffscreenCanvas(450, 300);
    c.getContext('2d').drawImage(src, 0, -170);
    await el.loadImage(await createImageBitmap(c));
    el.setCalibration({ leftPupil: { x: 177, y: 40 }, rightPupil: { x: 292, y: 46 } });
    const g = testHook(el).core().briefGeometry();
    const blob = await el.designBrief();
    return { mfpY: g.midFrontalPx.y, type: blob.type, overflows: testHook(el).briefLayout().overflows };
  });
  expect(r.mfpY).toBeLessThan(-60); // the mid-frontal point is well above the photo
  expect(r.type).toBe('image/png');
  expect(r.overflows).toEqual([]);
});
