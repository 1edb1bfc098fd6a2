// The element's JavaScript contract: events, methods, attributes, lifecycle
// and layout on a phone.
import { test, expect } from '@playwright/test';
import {
  CANVAS, HV, SHAVED, THINNING,
  choosePhoto, eventMark, eventsSince, getDesign, nextEvent, recordEvents, watchErrors,
} from './helpers.mjs';

const photoUrl = (p) => `/__photos/${p.name}`;
const CHOOSE = `${HV} .hv-empty .hv-btn.hv-primary`;
const DESIGN_KEYS = [
  'adjust', 'density', 'dot_mm', 'feather_mm', 'height_mm', 'look', 'recession_mm',
  'seed', 'shade', 'style', 'symmetric', 'version', 'zones',
];

let errors;
test.beforeEach(async ({ page }) => {
  errors = watchErrors(page);
  await recordEvents(page);
  await page.goto('/');
});
test.afterEach(() => {
  expect(errors, 'console errors, page errors, failed requests or dialogs').toEqual([]);
});

test('ready fires once, after which getDesign() returns the default design', async ({ page }) => {
  await nextEvent(page, 0, 'ready');
  expect(await eventsSince(page, 0, 'ready')).toHaveLength(1);
  const d = await getDesign(page);
  // The documented fields (later versions of the element may add more).
  expect(Object.keys(d)).toEqual(expect.arrayContaining(DESIGN_KEYS));
  expect(d).toMatchObject({
    version: 1, style: 'natural', height_mm: 80, recession_mm: 12, feather_mm: 7, density: 70,
    dot_mm: 0.7, look: 'healed', seed: 1, symmetric: true, zones: [],
  });
  expect(d.adjust).toEqual(Array.from({ length: 7 }, () => [0, 0]));
  // No photo yet: no calibration, and toBlob refuses.
  const r = await page.evaluate(async () => {
    const el = document.querySelector('hairline-visualizer');
    try {
      await el.toBlob();
      return { calibration: el.getCalibration(), blob: true };
    } catch (e) {
      return { calibration: el.getCalibration(), code: e.code, message: e.message };
    }
  });
  expect(r).toEqual({ calibration: null, code: 'no-photo', message: 'Add a photo first.' });
});

test('image-load reports the photo size, for two photos and every kind of source', async ({ page }) => {
  await nextEvent(page, 0, 'ready');
  const results = await page.evaluate(async ([a, b]) => {
    const el = document.querySelector('hairline-visualizer');
    const out = [];
    const sizes = [];
    el.addEventListener('image-load', (e) => sizes.push(e.detail));
    out.push(['url', await el.loadImage(a)]);
    out.push(['url', await el.loadImage(b)]);
    const blob = await (await fetch(a)).blob();
    out.push(['blob', await el.loadImage(blob)]);
    out.push(['file', await el.loadImage(new File([await (await fetch(b)).blob()], 'photo.jpg', { type: 'image/jpeg' }))]);
    const bitmap = await createImageBitmap(blob);
    out.push(['bitmap', await el.loadImage(bitmap)]);
    const img = new Image();
    img.src = b;
    out.push(['img', await el.loadImage(img)]);
    return { out, sizes };
  }, [photoUrl(SHAVED), photoUrl(THINNING)]);
  const s = { width: SHAVED.width, height: SHAVED.height };
  const t = { width: THINNING.width, height: THINNING.height };
  expect(results.out).toEqual([['url', s], ['url', t], ['blob', s], ['file', t], ['bitmap', s], ['img', t]]);
  expect(results.sizes).toEqual([s, t, s, t, s, t]);
  // Through the file chooser too.
  expect(await choosePhoto(page, SHAVED.name)).toEqual(s);
  expect(await choosePhoto(page, THINNING.name)).toEqual(t);
});

test('of loads started together the latest call\'s photo shows; clearPhoto() during a load cancels it quietly', async ({ page }) => {
  await nextEvent(page, 0, 'ready');
  const r = await page.evaluate(async ([a, b]) => {
    const el = document.querySelector('hairline-visualizer');
    const errors = [];
    el.addEventListener('error', (e) => errors.push(e.detail.code));
    const [ba, bb] = await Promise.all([a, b].map(async (u) => (await fetch(u)).blob()));
    // Two loads at once (the smaller photo is ready first, either way
    // round): the latest call's photo shows. The earlier one is taken in
    // first, or cancelled if the later one was ready before it.
    const settle = (ps) => Promise.allSettled(ps).then((rs) => rs.map((x) => x.value || x.reason.code));
    const both = [
      ...await settle([el.loadImage(ba), el.loadImage(bb)]),
      ...await settle([el.loadImage(bb), el.loadImage(ba)]),
    ];
    const hook = (await import('/hv/test-hook.js')).testHook(el);
    const shown = { ...hook.photo(), cal: !!el.getCalibration() };
    // Removing the photo while the next one loads: that load is dropped
    // without an error message, and nothing is shown.
    const pending = el.loadImage(ba);
    el.clearPhoto();
    const cancelled = await pending.then(() => 'resolved', (e) => e.code);
    const afterClear = { photo: hook.photo(), cal: el.getCalibration(), message: el.shadowRoot.querySelector('.hv-message')?.dataset.kind || '' };
    // And the widget loads photos as before.
    const again = await el.loadImage(bb);
    return { both, shown, cancelled, afterClear, again, errors };
  }, [photoUrl(SHAVED), photoUrl(THINNING)]);
  const s = { width: SHAVED.width, height: SHAVED.height };
  const t = { width: THINNING.width, height: THINNING.height };
  expect([s, 'cancelled']).toContainEqual(r.both[0]);
  expect(r.both[1]).toEqual(t);
  expect([t, 'cancelled']).toContainEqual(r.both[2]);
  expect(r.both[3]).toEqual(s);
  expect(r.shown).toEqual({ ...s, cal: true });
  expect(r.cancelled).toBe('cancelled');
  expect(r.afterClear.photo).toBeNull();
  expect(r.afterClear.cal).toBeNull();
  expect(r.afterClear.message).not.toBe('error');
  expect(r.again).toEqual(t);
  expect(r.errors).toEqual([]);
});

test('render detail: width and height of the preview, dots > 0, ms', async ({ page }) => {
  await choosePhoto(page, SHAVED.name);
  const r = await nextEvent(page, 0, 'render');
  expect(Object.keys(r).sort()).toEqual(['dots', 'height', 'ms', 'width']);
  const canvas = await page.locator(CANVAS).evaluate((c) => ({ width: c.width, height: c.height }));
  expect({ width: r.width, height: r.height }).toEqual(canvas);
  expect(r.width).toBeGreaterThan(100);
  expect(Number.isInteger(r.dots)).toBe(true);
  expect(r.dots).toBeGreaterThan(500);
  expect(typeof r.ms).toBe('number');
  expect(r.ms).toBeGreaterThanOrEqual(0);
  // The screen-reader summary states the same count.
  await expect(page.locator(`${HV} .hv-sr[aria-live="polite"]`)).toHaveText(`Hairline 8.0 cm above brow line, ${r.dots} dots`);

  // Fewer dots at a lower density.
  const mark = await eventMark(page);
  await page.evaluate(() => {
    const el = document.querySelector('hairline-visualizer');
    el.setDesign({ ...el.getDesign(), density: 20 });
  });
  const sparse = await nextEvent(page, mark, 'render');
  expect(sparse.dots).toBeGreaterThan(0);
  expect(sparse.dots).toBeLessThan(r.dots * 0.5);
  expect({ width: sparse.width, height: sparse.height }).toEqual(canvas);
});

test('setDesign fires design-change with the design; getDesign round-trips it', async ({ page }) => {
  await choosePhoto(page, SHAVED.name);
  const base = await getDesign(page);
  const wanted = {
    ...base,
    style: 'soft',
    height_mm: 92,
    recession_mm: 15,
    feather_mm: 10,
    density: 55,
    dot_mm: 0.9,
    shade: '#46484f',
    look: 'fresh',
    seed: 7,
    symmetric: false,
    adjust: [[1.5, -2], [0, 0], [0.5, 0.5], [3, 0], [0, 0], [0, 0], [-1.5, -2]],
    zones: [{ mode: 'add', radius_mm: 10, points: [[0, 90], [5.5, 92]] }, { mode: 'erase', radius_mm: 4, points: [[-20, 100]] }],
  };
  const mark = await eventMark(page);
  await page.evaluate((d) => document.querySelector('hairline-visualizer').setDesign(d), wanted);
  const events = await eventsSince(page, mark, 'design-change');
  expect(events).toHaveLength(1);
  expect(events[0].detail).toEqual(wanted);
  expect(await getDesign(page)).toEqual(wanted);
  // getDesign → setDesign → getDesign is a fixed point, and JSON text works too.
  const again = await page.evaluate(() => {
    const el = document.querySelector('hairline-visualizer');
    el.setDesign(el.getDesign());
    const once = el.getDesign();
    el.setDesign(JSON.stringify(once));
    return [once, el.getDesign()];
  });
  expect(again).toEqual([wanted, wanted]);
  // The controls show the design.
  await expect(page.locator(`${HV} .hv-chip[data-style="soft"]`)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator(`${HV} #hv-height`)).toHaveValue('92');
  await expect(page.locator(`${HV} #hv-density`)).toHaveValue('55');
  await expect(page.locator(`${HV} .hv-seg[data-look="fresh"]`)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator(`${HV} #hv-sym`)).not.toBeChecked();
  await expect(page.locator(`${HV} #hv-shade`)).toHaveValue('custom');
  // undo() steps back to the design before setDesign.
  await page.evaluate(() => {
    const el = document.querySelector('hairline-visualizer');
    el.undo();
    el.undo();
  });
  expect(await getDesign(page)).toEqual(base);
  await page.evaluate(() => document.querySelector('hairline-visualizer').redo());
  expect(await getDesign(page)).toEqual(wanted);
});

test('setCalibration/getCalibration', async ({ page }) => {
  await choosePhoto(page, SHAVED.name);
  const r = await page.evaluate(() => {
    const el = document.querySelector('hairline-visualizer');
    el.setCalibration({ leftPupil: { x: 177, y: 210 }, rightPupil: { x: 292, y: 216 }, ipdMm: 60 });
    const good = el.getCalibration();
    let bad;
    try {
      el.setCalibration({ leftPupil: { x: 200, y: 210 }, rightPupil: { x: 200, y: 210 } });
    } catch (e) {
      bad = { code: e.code, message: e.message };
    }
    return { good, bad, after: el.getCalibration() };
  });
  expect(r.good).toEqual({ leftPupil: { x: 177, y: 210 }, rightPupil: { x: 292, y: 216 }, ipdMm: 60, source: 'visitor' });
  expect(r.bad.code).toBe('invalid-calibration');
  expect(r.bad.message).toMatch(/apart/);
  expect(r.after).toEqual(r.good);
});

test('lang="es" shows Spanish text, also in error messages', async ({ page }) => {
  await nextEvent(page, 0, 'ready');
  await expect(page.locator(CHOOSE)).toHaveText('Choose photo');
  await page.evaluate(() => document.querySelector('hairline-visualizer').setAttribute('lang', 'es'));
  await expect(page.locator(CHOOSE)).toHaveText('Elegir foto');
  await expect(page.locator(`${HV} .hv-title`)).toHaveText('Vista previa de la línea del cabello');
  await expect(page.locator(`${HV} .hv-chip[data-style="defined"]`)).toHaveText('Definida');
  await expect(page.locator(`${HV} .hv-btn`, { hasText: 'Descargar imagen' })).toHaveCount(1);
  const err = await page.evaluate(async () => {
    try {
      await document.querySelector('hairline-visualizer').loadImage(new File(['hola'], 'x.jpg', { type: 'image/jpeg' }));
      return null;
    } catch (e) {
      return e.message;
    }
  });
  expect(err).toBe('Ese archivo no es una foto que podamos abrir. Elija una foto JPEG, PNG o WebP.');
  await expect(page.locator(`${HV} .hv-message`)).toHaveText(err);

  // An element created with lang="es-MX" starts in Spanish.
  await page.evaluate(() => {
    const el = document.createElement('hairline-visualizer');
    el.id = 'mx';
    el.setAttribute('lang', 'es-MX');
    document.querySelector('#preview').append(el);
  });
  await expect(page.locator('#mx .hv-empty .hv-btn.hv-primary')).toHaveText('Elegir foto');

  await page.evaluate(() => document.querySelector('hairline-visualizer').setAttribute('lang', 'en'));
  await expect(page.locator(CHOOSE).first()).toHaveText('Choose photo');
});

test('clinic-name is shown as text, never as markup', async ({ page }) => {
  const clinic = page.locator(`${HV} .hv-clinic`);
  await expect(clinic).toHaveText('Northline Scalp Studio');
  const evil = '<img src=x onerror=alert(1)>';
  await page.evaluate((v) => document.querySelector('hairline-visualizer').setAttribute('clinic-name', v), evil);
  await expect(clinic).toHaveText(evil);
  // An element created from markup with the same value.
  await page.evaluate((v) => {
    const box = document.createElement('div');
    box.id = 'box';
    box.innerHTML = '<hairline-visualizer id="other"></hairline-visualizer>';
    box.firstElementChild.setAttribute('clinic-name', v);
    document.querySelector('#preview').append(box);
  }, evil);
  await expect(page.locator('#other .hv-clinic')).toHaveText(evil);
  const found = await page.evaluate(() => [...document.querySelectorAll('hairline-visualizer')].map((el) => ({
    imgs: el.shadowRoot.querySelectorAll('img').length,
    children: el.shadowRoot.querySelector('.hv-clinic').childElementCount,
  })));
  expect(found).toEqual([{ imgs: 0, children: 0 }, { imgs: 0, children: 0 }]);
  // Removing the attribute clears the name.
  await page.evaluate(() => document.querySelector('hairline-visualizer').removeAttribute('clinic-name'));
  await expect(clinic.first()).toHaveText('');
});

test('after the element is removed, a new one works', async ({ page }) => {
  await choosePhoto(page, SHAVED.name);
  await page.evaluate(() => {
    document.querySelector('hairline-visualizer').remove();
    const el = document.createElement('hairline-visualizer');
    el.id = 'fresh';
    el.setAttribute('clinic-name', 'Second');
    document.querySelector('#preview').append(el);
  });
  await expect.poll(async () => (await eventsSince(page, 0, 'ready')).filter((e) => e.id === 'fresh').length).toBe(1);
  await expect(page.locator(`${HV} .hv-clinic`)).toHaveText('Second');
  const mark = await eventMark(page);
  // Through its own file chooser.
  expect(await choosePhoto(page, SHAVED.name)).toEqual({ width: SHAVED.width, height: SHAVED.height });
  const renders = (await eventsSince(page, mark, 'render')).filter((e) => e.id === 'fresh');
  expect(renders.length).toBeGreaterThan(0);
  expect(renders.at(-1).detail.dots).toBeGreaterThan(500);
  const size = await page.evaluate(async () => {
    const blob = await document.querySelector('#fresh').toBlob();
    const b = await createImageBitmap(blob);
    return [b.width, b.height];
  });
  expect(size).toEqual([SHAVED.width, SHAVED.height]);
});

// Removing the element frees its WASM session; attached again, it starts a
// new one.
test('an element removed and attached again still loads photos', async ({ page }) => {
  await choosePhoto(page, SHAVED.name);
  const r = await page.evaluate(async (url) => {
    const el = document.querySelector('hairline-visualizer');
    const parent = el.parentNode;
    el.remove();
    parent.append(el);
    try {
      return await el.loadImage(url);
    } catch (e) {
      return { code: e.code, message: e.message };
    }
  }, photoUrl(THINNING));
  expect(r).toEqual({ width: THINNING.width, height: THINNING.height });
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true });

  test('no horizontal scrolling with a photo loaded', async ({ page }) => {
    const noScroll = () => page.evaluate(() => ({
      scrollWidth: document.scrollingElement.scrollWidth,
      element: Math.ceil(document.querySelector('hairline-visualizer').getBoundingClientRect().right),
    }));
    expect((await noScroll()).scrollWidth).toBeLessThanOrEqual(375);
    for (const p of [SHAVED, THINNING]) {
      expect(await choosePhoto(page, p.name)).toEqual({ width: p.width, height: p.height });
      await expect(page.locator(CANVAS)).toBeVisible();
      const m = await noScroll();
      expect(m.scrollWidth).toBeLessThanOrEqual(375);
      expect(m.element).toBeLessThanOrEqual(375);
      const box = await page.locator(CANVAS).boundingBox();
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(375.5);
    }
  });
});
