// The widget in Spanish, walked as a visitor: every control, every message
// and every error path (bad files, a photo without a face, the pupil-tap
// error, design-file errors, core validation through the API, a failing
// export) and the artist's brief. After each step the whole shadow DOM
// (text, labels, titles) and every error message are checked for English:
// the English interface's own phrases, common English words, developer
// wording (backticks, field names) and English decimals (6.5 instead of 6,5).
import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { STRINGS, coreErrorCodes, visitorMessage } from '../../www/i18n.js';
import { canvasBytes, heicBytes, pdfBytes } from './input-fixtures.mjs';
import { CANVAS, FILE_INPUT, HV, SHAVED, SHAVED_PUPILS, choosePhoto, imageToScreen, photoPath, recordEvents, setRange, watchErrors } from './helpers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DESIGN_INPUT = `${HV} input[type=file][accept^="application/json"]`;

/** Every string of the English interface that the Spanish one does not share. */
function englishPhrases() {
  const out = new Set();
  const walk = (en, es) => {
    if (typeof en === 'string') {
      if (en !== es && /[a-z]{3}/i.test(en)) out.add(en);
    } else if (en && typeof en === 'object') {
      for (const k of Object.keys(en)) walk(en[k], es?.[k]);
    }
  };
  walk(STRINGS.en, STRINGS.es);
  return [...out];
}
const PHRASES = englishPhrases();
// Words a Spanish sentence does not contain (checked as whole words).
const WORDS = /\b(the|and|your|you|please|could|not|with|must|between|this|that|file|photo|tap|pupils?|design|hairline|undefined|null|NaN|failed|invalid|unknown|missing|expected|got)\b/i;

/** What in `texts` reads as English or as developer wording. */
function english(texts) {
  const bad = [];
  for (const t of texts) {
    const s = t.trim();
    if (!s) continue;
    if (PHRASES.includes(s)) bad.push(`English phrase: ${s}`);
    else if (WORDS.test(s)) bad.push(`English word (${WORDS.exec(s)[0]}): ${s}`);
    else if (/[`]|\b[a-z]+_[a-z_]+\b|CoreError|Error:/.test(s)) bad.push(`developer wording: ${s}`);
    else if (/\d\.\d/.test(s)) bad.push(`English decimal: ${s}`);
  }
  return bad;
}

/** Every text of the widget's shadow DOM: text nodes (hidden ones too) and
 * the attributes a screen reader or a tooltip shows. */
const shadowTexts = (page) => page.evaluate(() => {
  const root = document.querySelector('hairline-visualizer').shadowRoot;
  const out = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement?.closest('style')) continue;
    out.push(n.textContent);
  }
  for (const e of root.querySelectorAll('*')) {
    for (const a of ['aria-label', 'title', 'aria-roledescription', 'placeholder', 'aria-valuetext', 'alt']) {
      const v = e.getAttribute(a);
      if (v) out.push(v);
    }
  }
  return out;
});

const message = (page) => page.evaluate(() => {
  const m = document.querySelector('hairline-visualizer').shadowRoot.querySelector('.hv-message');
  return m.hidden ? '' : m.textContent;
});

let errors;
test.beforeEach(async ({ page }) => {
  errors = watchErrors(page);
});

test('every core error code has a visitor message in English and in Spanish, without developer wording', () => {
  const rs = fs.readFileSync(path.join(ROOT, 'src/error.rs'), 'utf8');
  const body = rs.slice(rs.indexOf('pub fn code(&self)'));
  const codes = [...body.slice(0, body.indexOf('\n    }\n')).matchAll(/=> "([a-z-]+)"/g)].map((m) => m[1]);
  expect(codes.length).toBeGreaterThan(40);
  expect(codes.filter((c) => !coreErrorCodes().includes(c))).toEqual([]);
  // Params as the core sends them (every field a phrase may read).
  const params = {
    width: 5000, height: 4000, maxMegapixels: 16, minSide: 200, min: 0.5, max: 12.5, got: 3.25, typicalMin: 54, typicalMax: 74,
    maxDegrees: 25, field: 'height_mm', unit: 'mm', supported: 1, maxBytes: 4000000, point: 2, stroke: 1, maxMm: 150,
  };
  const words = ['bad-shade', 'unknown-style', 'unknown-brush'];
  for (const code of codes) {
    const p = { ...params, got: words.includes(code) ? 'teal' : code === 'design-version' ? '7' : params.got };
    const en = visitorMessage('en', { code, params: p });
    const es = visitorMessage('es', { code, params: p });
    expect(en, code).toBeTruthy();
    expect(es, code).toBeTruthy();
    expect(english([es]), `${code}: ${es}`).toEqual([]);
    expect(es, code).not.toContain('undefined');
    expect(en, code).not.toContain('undefined');
    expect(en, code).not.toMatch(/height_mm|`/);
  }
  // Numbers in the visitor's language.
  expect(visitorMessage('es', { code: 'brush-radius', params: { min: 2.5, max: 40 } })).toContain('2,5');
  expect(visitorMessage('en', { code: 'brush-radius', params: { min: 2.5, max: 40 } })).toContain('2.5');
});

test('a Spanish visitor walks every control, message and error path and never reads English', async ({ page }) => {
  test.setTimeout(180_000);
  await recordEvents(page); // (turns automatic placement off; turned back on below)
  await page.goto('/');
  const errorEvents = [];
  await page.exposeFunction('__hvErrorEvent', (m) => errorEvents.push(m));
  await page.evaluate(async () => {
    const el = document.querySelector('hairline-visualizer');
    el.setAttribute('lang', 'es');
    el.setAttribute('auto-place', 'on');
    el.removeAttribute('cta-label'); // the host page's own English label
    el.addEventListener('error', (e) => window.__hvErrorEvent(`${e.detail.code}: ${e.detail.message}`));
    await (await import('/hv/test-hook.js')).testHook(el).ready();
  });
  const seen = [];
  const check = async (step) => {
    const texts = await shadowTexts(page);
    seen.push(...texts);
    expect(english(texts), `after ${step}`).toEqual([]);
  };
  const expectMessage = async (step, want) => {
    await expect.poll(() => message(page), { message: step }).toContain(want);
    await check(step);
  };
  await check('the empty widget');

  // Bad files.
  const input = page.locator(FILE_INPUT);
  await input.setInputFiles({ name: 'notes.pdf', mimeType: 'application/pdf', buffer: pdfBytes() });
  await expectMessage('a PDF', STRINGS.es.errors.notImage);
  await input.setInputFiles({ name: 'IMG_0001.HEIC', mimeType: 'image/heic', buffer: heicBytes() });
  await expectMessage('a HEIC photo', STRINGS.es.errors.heic);
  const jpeg = await canvasBytes(page, { width: 640, height: 480, type: 'image/jpeg' });
  await input.setInputFiles({ name: 'cut.jpg', mimeType: 'image/jpeg', buffer: jpeg.subarray(0, 300) });
  await expectMessage('a cut JPEG', STRINGS.es.errors.corrupt.slice(0, 30));
  const tiny = await canvasBytes(page, { width: 120, height: 90 });
  await input.setInputFiles({ name: 'tiny.png', mimeType: 'image/png', buffer: tiny });
  await expectMessage('a tiny photo', STRINGS.es.errors.tooSmall(120, 90));

  // A photo without a face: automatic placement asks for the pupils.
  const sky = await canvasBytes(page, { width: 800, height: 600, draw: 'noise' });
  await input.setInputFiles({ name: 'ruido.png', mimeType: 'image/png', buffer: sky });
  await expectMessage('a photo without a face', STRINGS.es.autoPlaceErrors['no-face']);

  // A real photo, found automatically.
  await page.evaluate(() => document.querySelector('hairline-visualizer').setAttribute('auto-place', 'off'));
  await choosePhoto(page, SHAVED.name);
  await check('a photo');

  // The pupil-tap error: both taps on the same spot.
  const root = (sel) => `${HV} ${sel}`;
  await page.locator(root('button[data-mode="calibrate"]')).click();
  const at = await imageToScreen(page, SHAVED, 200, 200);
  await page.mouse.click(at.x, at.y);
  await expectMessage('one pupil tap', STRINGS.es.calibrateSecond);
  await page.mouse.click(at.x + 1, at.y);
  await expectMessage('two taps on one spot', STRINGS.es.coreErrors.pupilsTooClose);
  // The right taps.
  const l = await imageToScreen(page, SHAVED, SHAVED_PUPILS.left.x, SHAVED_PUPILS.left.y);
  const r = await imageToScreen(page, SHAVED, SHAVED_PUPILS.right.x, SHAVED_PUPILS.right.y);
  await page.locator(root('button[data-mode="calibrate"]')).click();
  await page.mouse.click(l.x, l.y);
  await page.mouse.click(r.x, r.y);
  await expectMessage('two pupil taps', STRINGS.es.calibrated);

  // Every control.
  for (const style of ['natural', 'soft', 'defined', 'mature', 'widows-peak']) {
    await page.locator(root(`[data-style="${style}"]`)).click();
    await check(`style ${style}`);
  }
  for (const mode of ['full', 'thinning', 'hairline']) {
    await page.locator(root('#hv-mode')).selectOption(mode);
    await check(`treatment ${mode}`);
  }
  await page.locator(root('#hv-buzz')).click();
  await check('buzz cut');
  await page.locator(root('#hv-buzz')).click();
  await setRange(page, root('#hv-height'), 60); // below 6,5 cm: the warning shows
  await check('a low line');
  await expect(page.locator(root('.hv-warnings'))).toContainText('6,0 cm');
  await setRange(page, root('#hv-height'), 85);
  await setRange(page, root('#hv-density'), 55);
  await setRange(page, root('#hv-dot'), 0.85);
  await check('sliders');
  await expect(page.locator(root('.hv-value')).first()).toContainText('8,5 cm');
  for (const shade of ['I', 'VI', 'custom', 'III']) {
    await page.locator(root('#hv-shade')).selectOption(shade);
    await check(`shade ${shade}`);
  }
  for (const hair of ['brown', 'blond', 'grey', 'white', 'dark']) {
    await page.locator(root('#hv-hair')).selectOption(hair);
    await check(`hair ${hair}`);
  }
  for (const look of ['fresh', 'aged', 'healed']) {
    await page.locator(root(`[data-look="${look}"]`)).click();
    await check(`look ${look}`);
  }
  for (const session of ['1', '2', '3']) {
    await page.locator(root(`[data-session="${session}"]`)).click();
    await check(`session ${session}`);
  }
  for (const tool of ['add', 'erase', 'scar', 'move']) {
    await page.locator(root(`button[data-mode="${tool}"]`)).click();
    await check(`tool ${tool}`);
  }
  await page.locator(root('#hv-sym')).click();
  await page.locator(root('#hv-sym')).click();
  for (const button of ['.hv-toggle:last-child', '.hv-toggle:first-child']) {
    await page.locator(root(button)).click();
    await check(`toggle ${button}`);
    await page.locator(root(button)).click();
  }
  await page.locator(root('.hv-icon')).nth(2).click(); // zoom in
  await page.locator(root('.hv-icon')).nth(1).click(); // fit
  await check('zoom');

  // Design files that cannot be used.
  const design = await page.evaluate(() => document.querySelector('hairline-visualizer').getDesign());
  const files = [
    ['not JSON', '{"version": 1,', 'design-not-json'],
    ['an array', '[1, 2]', 'design-not-object'],
    ['a newer version', JSON.stringify({ ...design, version: 7 }), 'design-version'],
    ['an unknown field', JSON.stringify({ ...design, sparkle: true }), 'design-unknown-field'],
    ['a missing field', JSON.stringify({ version: 1 }), 'design-missing-field'],
    ['density out of range', JSON.stringify({ ...design, density: 900 }), 'out-of-range'],
    ['a bad shade', JSON.stringify({ ...design, shade: 'teal' }), 'bad-shade'],
    ['an unknown style', JSON.stringify({ ...design, style: 'mohawk' }), 'design-wrong-value'],
  ];
  for (const [what, text] of files) {
    await page.locator(DESIGN_INPUT).setInputFiles({ name: 'diseno.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await expectMessage(`a design file with ${what}`, STRINGS.es.errors.badDesign);
  }
  await page.locator(DESIGN_INPUT).setInputFiles({ name: 'grande.json', mimeType: 'application/json', buffer: Buffer.alloc(4_000_001, 32) });
  await expectMessage('a design file too large', STRINGS.es.errors.badDesign);

  // Core validation through the API: the thrown errors are for the host
  // page's developer (the core's words), and carry the core's code and
  // params, from which the visitor's message is made in Spanish.
  const thrown = await page.evaluate(({ left, right }) => {
    const el = document.querySelector('hairline-visualizer');
    const err = (f) => {
      try {
        f();
        return null;
      } catch (e) {
        return { code: e.code, reason: e.reason, params: e.params };
      }
    };
    return [
      err(() => el.setCalibration({ leftPupil: left, rightPupil: right, ipdMm: 20 })),
      err(() => el.setCalibration({ leftPupil: left, rightPupil: { x: 99999, y: 5 } })),
      err(() => el.setDesign({ ...el.getDesign(), dot_mm: 7 })),
    ];
  }, { left: SHAVED_PUPILS.left, right: SHAVED_PUPILS.right });
  expect(thrown.map((e) => e?.reason)).toEqual(['ipd-out-of-range', 'pupil-outside', 'out-of-range']);
  const phrased = thrown.map((e) => visitorMessage('es', e));
  expect(english(phrased)).toEqual([]);
  expect(phrased[0]).toContain('entre');

  // An export that fails (the browser cannot encode the image).
  await page.evaluate(() => {
    window.__realConvert = OffscreenCanvas.prototype.convertToBlob;
    OffscreenCanvas.prototype.convertToBlob = () => Promise.reject(new DOMException('Encoding failed', 'EncodingError'));
  });
  await page.locator(root('[part~="download"]')).click();
  await expectMessage('a failed download', STRINGS.es.errors.exportFailed);
  await page.evaluate(() => { OffscreenCanvas.prototype.convertToBlob = window.__realConvert; });

  // The brief, in Spanish.
  const runs = await page.evaluate(async () => {
    const el = document.querySelector('hairline-visualizer');
    await el.designBrief();
    const { testHook } = await import('/hv/test-hook.js');
    const layout = testHook(el).briefLayout();
    return { overflows: layout.overflows, prose: layout.runs.filter((r) => !r.font.includes('monospace')).map((r) => r.text) };
  });
  expect(runs.overflows).toEqual([]);
  expect(english(runs.prose)).toEqual([]);

  // Undo, redo, reset and removing the photo.
  await page.locator(root('button:text-is("Deshacer")')).click();
  await page.locator(root('button:text-is("Rehacer")')).click();
  await page.locator(root('button:text-is("Restablecer diseño")')).click();
  await check('undo, redo, reset');
  await page.locator(root('button:text-is("Quitar foto")')).click();
  await check('the photo removed');

  // Every error the element reported, in Spanish.
  expect(errorEvents.length).toBeGreaterThan(12);
  expect(english(errorEvents.map((m) => m.slice(m.indexOf(': ') + 2)))).toEqual([]);
  // And the walk did see the Spanish interface.
  expect(seen).toContain(STRINGS.es.undo);
  expect(seen.some((s) => s.includes(STRINGS.es.styles['widows-peak']))).toBe(true);
  // The failing export was provoked on purpose; the rest ran clean.
  expect(errors).toEqual([]);
});
