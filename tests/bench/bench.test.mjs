// The benchmark runs and writes its JSON (no timing is asserted: machines
// are shared and noisy; `make bench` reports, this only checks it works).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const json = path.join(root, 'target', 'bench.json');

test('make bench runs and writes target/bench.json', { timeout: 180_000 }, async () => {
  await rm(json, { force: true });
  const stdout = await new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(root, 'tests', 'bench', 'run.mjs')], {
      cwd: root, env: { ...process.env, BENCH_QUICK: '1', BENCH_PORT: process.env.BENCH_PORT || '8143' }, timeout: 170_000,
    }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)));
  });
  assert.match(stdout, /ours: full render 12MP/);
  const rows = JSON.parse(await readFile(json, 'utf8'));
  const names = rows.map((r) => r.name);
  for (const name of ['floor: memcpy 12MP in wasm', 'floor: putImageData 12MP', 'ours: full render 12MP',
    'baseline: Canvas2D dots 12MP', 'ours: preview render+present', 'ours: 100k dots 12MP (stress)',
    'baseline: Canvas2D 100k dots 12MP', 'interaction: drag fps', 'load: import to ready']) {
    assert.ok(names.includes(name), `missing row ${name}`);
  }
  for (const r of rows) {
    for (const key of ['name', 'width', 'height', 'dots', 'median_ms', 'baseline', 'ratio']) assert.ok(key in r, `${r.name} lacks ${key}`);
  }
  const full = rows.find((r) => r.name === 'ours: full render 12MP');
  assert.equal(full.width, 4032);
  assert.equal(full.height, 3024);
  assert.ok(full.dots > 10_000, `full-scalp design drew only ${full.dots} dots`);
  assert.ok(full.median_ms > 0 && Number.isFinite(full.ratio));
  assert.equal(full.baseline, 'floor: memcpy 12MP in wasm');
  const stress = rows.find((r) => r.name === 'ours: 100k dots 12MP (stress)');
  assert.ok(stress.dots > 90_000 && stress.dots < 110_000, `stress drew ${stress.dots} dots`);
  const drag = rows.find((r) => r.name === 'interaction: drag fps');
  assert.ok(drag.fps > 0, 'the drag produced frames');
  // The live mirror's rows, where the fake-camera clip was made (make bench
  // and make test-e2e make it).
  const mirror = rows.find((r) => r.name === 'mirror: worker frame');
  if (mirror || fs.existsSync(path.join(root, 'target', 'mirror', 'front-shaved-dark-01-translate.y4m'))) {
    for (const name of ['mirror: worker frame', 'mirror: page fallback frame']) {
      const m = rows.find((r) => r.name === name);
      assert.ok(m, `missing row ${name}`);
      assert.ok(m.frames > 5 && m.fps > 0 && m.median_ms > 0 && m.worst_ms >= m.median_ms, JSON.stringify(m));
      assert.ok(m.tracked_share > 0.9 && m.stages_median_ms.landmarks > 0, JSON.stringify(m));
    }
    assert.equal(rows.find((r) => r.name === 'mirror: page fallback frame').width, 640);
  }
  const load = rows.find((r) => r.name === 'load: import to ready');
  assert.ok(load.wasm_bytes > 10_000 && load.wasm_gzip_bytes < load.wasm_bytes);
});
