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
