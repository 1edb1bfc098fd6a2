// Checks on the code itself rather than on the page: the shipped build
// carries no test fixtures.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (p) => fs.readFileSync(path.join(ROOT, p), 'utf8');

test('the shipped wasm builds have no bench fixtures or test panic; the test build has them', () => {
  const fixtures = ['CopyBench', 'CompositeBench', 'testPanic'];
  for (const glue of ['www/pkg/hairline_visualizer.js', 'www/pkg/simd/hairline_visualizer.js']) {
    const text = read(glue);
    expect(text, glue).toContain('class Visualizer');
    for (const name of fixtures) expect(text.includes(name), `${glue} exports ${name}`).toBe(false);
  }
  const test = read('target/pkg-test/pkg/simd/hairline_visualizer.js');
  for (const name of fixtures) expect(test.includes(name), `the test build exports ${name}`).toBe(true);
});

/** The members and events hairline-visualizer.d.ts declares, and its error codes. */
function declared() {
  const dts = read('www/hairline-visualizer.d.ts');
  const body = dts.slice(dts.indexOf('export declare class HairlineVisualizer'));
  const cls = body.slice(body.indexOf('{') + 1, body.indexOf('\n}'));
  const members = new Set();
  for (const line of cls.split('\n')) {
    const m = /^ {2}([A-Za-z]\w*)\s*[(:]/.exec(line);
    if (m && m[1] !== 'addEventListener') members.add(m[1]);
  }
  const map = dts.slice(dts.indexOf('interface HairlineVisualizerEventMap'));
  const events = new Set([...map.slice(0, map.indexOf('\n}')).matchAll(/^ {2}'?([a-z-]+)'?:/gm)].map((m) => m[1]));
  const err = dts.slice(dts.indexOf('interface VisualizerError'));
  const codes = new Set([...err.slice(0, err.indexOf('\n}')).matchAll(/'([a-z-]+)'/g)].map((m) => m[1]));
  return { members, events, codes };
}

/** Every file of the element's code. */
const elementSources = () => ['www/hairline-visualizer.js',
  ...fs.readdirSync(path.join(ROOT, 'www', 'hv')).filter((f) => f.endsWith('.js')).map((f) => `www/hv/${f}`)]
  .map((p) => read(p)).join('\n');

test('the .d.ts declares exactly the element\'s public members', async ({ page }) => {
  await page.goto('/');
  const actual = await page.evaluate(() => {
    const proto = customElements.get('hairline-visualizer').prototype;
    const lifecycle = ['constructor', 'connectedCallback', 'disconnectedCallback', 'attributeChangedCallback'];
    return Object.getOwnPropertyNames(proto).filter((n) => !n.startsWith('_') && !lifecycle.includes(n)).sort();
  });
  const { members } = declared();
  expect([...members].sort()).toEqual(actual);
  // The reflected properties really reflect their attributes.
  const reflected = await page.evaluate(() => {
    const el = document.createElement('hairline-visualizer');
    el.clinicName = 'A';
    el.autoPlacement = 'off';
    return [el.getAttribute('clinic-name'), el.getAttribute('auto-place'), el.ctaHref];
  });
  expect(reflected).toEqual(['A', 'off', null]);
});

test('the .d.ts lists every event the element dispatches and every error code it throws', () => {
  const src = elementSources();
  const dispatched = new Set([...src.matchAll(/new CustomEvent\('([a-z-]+)'/g)].map((m) => m[1]));
  const thrown = new Set([...src.matchAll(/new VisualizerError\('([a-z-]+)'/g)].map((m) => m[1]));
  const { events, codes } = declared();
  expect([...events].sort()).toEqual([...dispatched].sort());
  expect(thrown.size).toBeGreaterThan(10);
  for (const code of thrown) expect(codes.has(code), `error code ${code} is not in the .d.ts`).toBe(true);
});

test('tests and the bench read inside the element only through its test hook', () => {
  const dirs = ['tests/e2e', 'tests/bench'];
  const offenders = [];
  for (const dir of dirs) {
    for (const f of fs.readdirSync(path.join(ROOT, dir)).filter((n) => /\.m?js$/.test(n))) {
      const text = read(`${dir}/${f}`);
      for (const m of text.matchAll(/\._[A-Za-z]\w*/g)) offenders.push(`${dir}/${f}: ${m[0]}`);
    }
  }
  expect(offenders).toEqual([]);
});

test('slider ranges, the brush and the interpupillary distance come from the core\'s limits() and defaults()', async ({ page }) => {
  await page.goto('/');
  const r = await page.evaluate(async () => {
    const el = document.querySelector('hairline-visualizer');
    const hook = (await import('/hv/test-hook.js')).testHook(el);
    el.scrollIntoView();
    await hook.ready();
    // The element's own instance of the core (same module URL).
    const glue = await import(hook.simd() ? '/pkg/simd/hairline_visualizer.js' : '/pkg/hairline_visualizer.js');
    const range = (id) => {
      const i = el.shadowRoot.getElementById(id);
      return { min: Number(i.min), max: Number(i.max), step: Number(i.step) };
    };
    const ipd = el.shadowRoot.getElementById('hv-ipd');
    const brush = el.shadowRoot.getElementById('hv-brush');
    return {
      limits: glue.limits(), defaults: glue.defaults(),
      height: range('hv-height'), density: range('hv-density'), dot: range('hv-dot'), brush: range('hv-brush'), ipd: range('hv-ipd'),
      ipdValue: Number(ipd.value), brushValue: Number(brush.value),
    };
  });
  expect(r.height).toEqual(r.limits.heightMm);
  expect(r.density).toEqual(r.limits.density);
  expect(r.dot).toEqual(r.limits.dotMm);
  expect(r.brush).toEqual(r.limits.brushMm);
  expect(r.ipd).toEqual(r.limits.ipdControlMm);
  expect(r.ipdValue).toBe(r.defaults.ipdMm);
  expect(r.brushValue).toBe(r.defaults.brushMm);
  // And they are the documented ones (README: IPD 63 mm).
  expect(r.defaults.ipdMm).toBe(63);
});

test('make dist ships every module the element imports', () => {
  const dist = read('tools/dist.mjs');
  const listed = new Set([...dist.slice(dist.indexOf('FILES'), dist.indexOf('];', dist.indexOf('FILES'))).matchAll(/'([^']+)'/g)].map((m) => m[1]));
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = read(`www/${file}`);
    // Modules it imports, and scripts it starts as workers.
    const refs = [
      ...text.matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm),
      ...text.matchAll(/new URL\('(\.{1,2}\/[^']+\.js)', import\.meta\.url\)/g),
    ];
    for (const m of refs) visit(path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1])));
  };
  visit('hairline-visualizer.js');
  expect(seen.size).toBeGreaterThan(8);
  expect([...seen].filter((f) => !listed.has(f))).toEqual([]);
});
