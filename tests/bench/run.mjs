// Benchmark (make bench): runs in Debian's headless Chromium and compares our
// renderer with a floor (memcpy + putImageData of the same buffer) and a
// baseline (the same dots drawn by Canvas2D), all measured in this run.
// Prints a table and writes target/bench.json:
//   [{name, width, height, dots, median_ms, baseline, ratio}, …]
// ratio = median_ms / the named baseline's median_ms (lower is better).
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../playwright.config.mjs';
import { spawn } from 'node:child_process';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PORT = Number(process.env.BENCH_PORT || 8141);
const BASE = `http://127.0.0.1:${PORT}`;
const QUICK = process.env.BENCH_QUICK === '1'; // fewer repetitions (used by the test that checks the bench runs)
const RENDER_ONLY = process.env.BENCH_ONLY === 'render'; // only the render rows (for quick iteration on the renderer)
// The throttled column: a mid-range phone is about 4× slower than this machine.
const THROTTLE = 4;
const suffix = (rate) => (rate > 1 ? ` (CPU ${rate}× slower)` : '');
const MIRROR_ONLY = process.env.BENCH_ONLY === 'mirror'; // only the live mirror's rows (printed, not written)

const fixtures = JSON.parse(await readFile(path.join(root, 'tests', 'fixtures', 'pupils.json'), 'utf8')).photos;
const PHOTO = 'front-shaved-dark-01.jpg';

const server = spawn(process.execPath, [path.join(root, 'tools', 'serve.mjs'), '--root', path.join(root, 'www'), '--port', String(PORT)], {
  env: { ...process.env, SERVE_TEST_PHOTOS: '1' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
// A server that cannot listen (the port taken, say by another checkout's
// bench) must stop the bench rather than let it measure someone else's www/.
server.on('exit', (code) => {
  if (code) {
    console.error(`the bench's server on port ${PORT} exited with code ${code} (BENCH_PORT=… to move it)`);
    process.exit(1);
  }
});

/** Helpers every bench page gets (window.__bench), so the page-side steps
 * below share them. */
function pageHelpers() {
  const W = 4032, H = 3024;
  globalThis.__bench = {
    W, H,
    /** A 4032×3024 camera-sized photo: the test portrait enlarged on its
     * backdrop, and its hand-marked pupils moved along. */
    async cameraPhoto(photo, pupils) {
      const src = await createImageBitmap(await (await fetch(`/__photos/${photo}`)).blob());
      const k = H / src.height;
      const ox = (W - src.width * k) / 2;
      const canvas = new OffscreenCanvas(W, H);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(src, 0, 0, 4, 4, 0, 0, W, H); // backdrop colour from the corner
      ctx.drawImage(src, ox, 0, src.width * k, H);
      const at = (p) => ({ x: ox + p.x * k, y: p.y * k });
      return { canvas, pupils: pupils && { leftPupil: at(pupils.leftPupil), rightPupil: at(pupils.rightPupil) } };
    },
    /** The Canvas2D baseline: `photo`, then each dot ([x, y, r, strength, …])
     * as one arc + fill in multiply mode, at `scale`. */
    drawDots(ctx, photo, dots, scale) {
      ctx.globalCompositeOperation = 'copy';
      ctx.drawImage(photo, 0, 0, ctx.canvas.width, ctx.canvas.height);
      ctx.globalCompositeOperation = 'multiply';
      for (let i = 0; i < dots.length; i += 4) {
        ctx.fillStyle = `rgba(70,72,79,${dots[i + 3]})`;
        ctx.beginPath();
        ctx.arc(dots[i] * scale, dots[i + 1] * scale, Math.max(0.5, dots[i + 2] * scale), 0, Math.PI * 2);
        ctx.fill();
      }
      ctx.getImageData(0, 0, 1, 1); // wait for the raster work
    },
  };
}

/** A bench page on the demo site; `rate` > 1 slows its CPU that many times
 * (DevTools protocol Emulation.setCPUThrottlingRate: 4 is a mid-range
 * phone), from before the page loads. */
async function open(browser, viewport, deviceScaleFactor = 1, rate = 1) {
  const page = await browser.newPage({ viewport, deviceScaleFactor });
  await page.addInitScript(pageHelpers);
  if (rate > 1) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  }
  for (let i = 0; ; i++) {
    try {
      await page.goto(`${BASE}/`);
      break;
    } catch (e) {
      if (i > 50) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await page.waitForFunction(() => customElements.get('hairline-visualizer'));
  return page;
}

const rows = [];
if (MIRROR_ONLY) {
  try {
    await mirrorRows();
  } finally {
    server.kill();
  }
  printMirror();
  process.exit(0);
}
try {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });

  // ---- render benchmarks at 12 MP and preview size ----
  const page = await open(browser, { width: 1400, height: 1000 });
  const reps = QUICK ? 3 : 15;
  const result = await page.evaluate(async ({ photo, pupils, reps }) => {
    const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
    const time = async (n, fn) => {
      await fn(); // warm-up
      const xs = [];
      for (let i = 0; i < n; i++) { const t = performance.now(); await fn(); xs.push(performance.now() - t); }
      return median(xs);
    };
    const el = document.querySelector('hairline-visualizer');
    el.setAttribute('auto-place', 'off');
    const { W, H, drawDots } = __bench;
    const big = await __bench.cameraPhoto(photo, pupils);
    await el.loadImage(await createImageBitmap(big.canvas));
    el.setCalibration(big.pupils);
    // Full-scalp design: low line, maximum density, the whole head painted in.
    const zones = [{ mode: 'add', radius_mm: 60, points: [[-60, 40], [60, 40], [60, 110], [-60, 110], [0, 75]] }];
    el.setDesign({ ...el.getDesign(), height_mm: 55, density: 150, zones });
    const hook = (await import('/hv/test-hook.js')).testHook(el);
    const vis = hook.core(), glue = await import(hook.simd() ? '/pkg/simd/hairline_visualizer.js' : '/pkg/hairline_visualizer.js');
    // The floor and the stress test are fixtures of the test build (make
    // build-test), an instance of its own beside the element's.
    const bench = await import('/__testpkg/pkg/simd/hairline_visualizer.js');
    await bench.default({ module_or_path: '/__testpkg/pkg/simd/hairline_visualizer_bg.wasm' });
    const out = [];
    const canvas = new OffscreenCanvas(W, H);
    const ctx = canvas.getContext('2d');

    // ours: full render (photo + all dots) at 12 MP.
    let stats;
    const full = await time(reps, () => { stats = vis.renderFull(); });
    vis.releaseFull();
    out.push({ name: 'ours: full render 12MP', width: W, height: H, dots: stats.dots, median_ms: full, simd: hook.simd() });

    // baseline: the same dots drawn by Canvas2D (arc + fill, multiply) over the photo.
    const dots = vis.visibleDots();
    const photoBitmap = await createImageBitmap(big.canvas);
    const canvasFull = await time(Math.max(3, Math.floor(reps / 3)), () => drawDots(ctx, photoBitmap, dots, 1));
    out.push({ name: 'baseline: Canvas2D dots 12MP', width: W, height: H, dots: dots.length / 4, median_ms: canvasFull });

    // preview: 1280×960 view of the whole photo, render + present.
    const pw = 1280, ph = 960;
    const pcanvas = new OffscreenCanvas(pw, ph);
    const pctx = pcanvas.getContext('2d');
    vis.setView(0, 0, W, H, pw, ph);
    let pstats;
    const preview = await time(reps * 2, () => {
      pstats = vis.renderPreview();
      vis.presentPreview(pctx, 0, 0);
    });
    out.push({ name: 'ours: preview render+present', width: pw, height: ph, dots: pstats.dots, median_ms: preview });
    const canvasPreview = await time(Math.max(3, reps), () => drawDots(pctx, photoBitmap, dots, pw / W));
    out.push({ name: 'baseline: Canvas2D dots preview', width: pw, height: ph, dots: dots.length / 4, median_ms: canvasPreview });
    // WASM memory only grows, so its size now is the peak of everything above
    // (the floor's copy buffers come after this).
    out.push({ name: 'memory: wasm peak', width: W, height: H, dots: 0, median_ms: null, wasm_bytes: glue.memoryBytes(), image_buffers: glue.memoryBytes() / (W * H * 4) });
    // floor: one memcpy of the buffer inside WASM, and putImageData of it.
    const cb = new bench.CopyBench(W, H);
    const memcpy = await time(reps, () => cb.copy());
    const put = await time(reps, () => cb.present(ctx));
    cb.free();
    out.push({ name: 'floor: memcpy 12MP in wasm', width: W, height: H, dots: 0, median_ms: memcpy });
    out.push({ name: 'floor: putImageData 12MP', width: W, height: H, dots: 0, median_ms: put });

    // stress: ~100,000 dots on a 12 MP scalp close-up (more than a frontal
    // photo shows), through the same compositor, and Canvas2D drawing them.
    const sb = new bench.CompositeBench(W, H, 100000);
    const stress = await time(reps, () => sb.render());
    const sdots = sb.dots();
    sb.presentPhoto(ctx);
    const stressPhoto = await createImageBitmap(canvas);
    sb.free();
    out.push({ name: 'ours: 100k dots 12MP (stress)', width: W, height: H, dots: sdots.length / 4, median_ms: stress });
    const canvasStress = await time(Math.max(3, Math.floor(reps / 3)), () => drawDots(ctx, stressPhoto, sdots, 1));
    out.push({ name: 'baseline: Canvas2D 100k dots 12MP', width: W, height: H, dots: sdots.length / 4, median_ms: canvasStress });

    return out;
  }, { photo: PHOTO, pupils: fixtures[PHOTO], reps });
  rows.push(...result);
  await page.close();
  if (!RENDER_ONLY) await slowRows(browser);
  await browser.close();
  if (!RENDER_ONLY) await mirrorRows();
} finally {
  server.kill();
}

/** The live mirror (issue #15) on Chromium's fake camera playing a
 * 640×480 clip with a moving face (tests/mirror/make-clips.mjs; `make
 * bench` makes it): frames shown per second, the time per frame (grab →
 * shown) and per stage inside the core, in the mirror worker and in the
 * main-thread fallback (workers' OffscreenCanvas hidden from the page). */
async function mirrorRows() {
  const clip = path.join(root, 'target', 'mirror', 'front-shaved-dark-01-translate.y4m');
  try {
    await access(clip);
  } catch {
    console.error(`no mirror rows: ${path.relative(root, clip)} is missing (node tests/mirror/make-clips.mjs --names front-shaved-dark-01)`);
    return;
  }
  const cam = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${clip}`],
  });
  try {
    for (const thread of ['worker', 'page']) {
      const ctx = await cam.newContext({ permissions: ['camera'], viewport: { width: 1400, height: 1000 } });
      const p = await ctx.newPage();
      if (thread === 'page') await p.addInitScript(() => { delete HTMLCanvasElement.prototype.transferControlToOffscreen; });
      await p.goto(`${BASE}/`);
      const r = await p.evaluate(async (seconds) => {
        const el = document.querySelector('hairline-visualizer');
        el.scrollIntoView();
        await el.startMirror();
        // Warm: the first second after the face was found is not measured.
        await new Promise((res) => setTimeout(res, 1000));
        const frames = [];
        const on = (e) => frames.push(e.detail);
        el.addEventListener('mirror-frame', on);
        const t0 = performance.now();
        await new Promise((res) => setTimeout(res, seconds * 1000));
        const elapsed = performance.now() - t0;
        el.removeEventListener('mirror-frame', on);
        el.stopMirror();
        return { frames, elapsed };
      }, QUICK ? 2 : 8);
      await ctx.close();
      const f = r.frames;
      const sorted = (xs) => [...xs].sort((a, b) => a - b);
      const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
      const ms = sorted(f.map((x) => x.ms));
      const stages = {};
      for (const k of Object.keys(f[0]?.stages ?? {})) stages[k] = median(f.map((x) => x.stages[k]));
      rows.push({
        name: `mirror: ${thread === 'worker' ? 'worker' : 'page fallback'} frame`,
        width: f[0]?.width ?? 0,
        height: f[0]?.height ?? 0,
        dots: median(f.map((x) => x.dots)) ?? 0,
        median_ms: median(ms),
        worst_ms: ms.at(-1),
        fps: (f.length * 1000) / r.elapsed,
        tracked_share: f.filter((x) => x.tracked).length / Math.max(1, f.length),
        frames: f.length,
        thread: f[0]?.thread,
        stages_median_ms: stages,
      });
    }
  } finally {
    await cam.close();
  }
}

async function slowRows(browser) {

  // ---- interaction: a 2-second drag of the mid-frontal point ----
  // The stage is at most 720 CSS px tall: at 4/3 device pixels per CSS
  // pixel (a laptop at 133 % scaling) the preview is 1280×960.
  for (const rate of [1, THROTTLE]) rows.push(await dragRow(browser, rate));

  // ---- face detection and segmentation (the model worker on the working
  // copy, then the irises and the scalp mask on the page): accuracy
  // against hand-marked pupils, and the time from request to placed ----
  const fpage = await open(browser, { width: 1200, height: 900 });
  for (const [name, want] of Object.entries(fixtures)) {
    const r = await fpage.evaluate(async (name) => {
      const el = document.querySelector('hairline-visualizer');
      el.setAttribute('auto-place', 'off');
      await el.loadImage(`/__photos/${name}`);
      await el.autoPlace(); // warm: models loaded, code paged in
      const times = [];
      let last;
      for (let i = 0; i < 3; i++) {
        last = await el.autoPlace();
        times.push(last.ms);
      }
      times.sort((a, b) => a - b);
      const photo = (await import('/hv/test-hook.js')).testHook(el).photo();
      return { ...last, ms: times[1], width: photo.width, height: photo.height };
    }, name);
    const ipd = Math.hypot(want.rightPupil.x - want.leftPupil.x, want.rightPupil.y - want.leftPupil.y);
    const pct = (a, b) => (100 * Math.hypot(a.x - b.x, a.y - b.y)) / ipd;
    rows.push({
      name: `face+segmentation: ${name}`, width: r.width, height: r.height, dots: 0, median_ms: r.ms,
      left_error_pct: pct(r.leftPupil, want.leftPupil), right_error_pct: pct(r.rightPupil, want.rightPupil),
      confidence: r.confidence,
    });
  }
  await fpage.close();

  // ---- a 12 MP camera JPEG: drop to first preview (and, with automatic
  // placement, to the face placed), and the longest task the page's main
  // thread ran meanwhile (Long Tasks API: every task over 50 ms is
  // reported with its duration) ----
  const dropRun = async (autoPlace, rate) => {
    const dpage = await open(browser, { width: 1300, height: 900 }, 1, rate);
    const r = await dpage.evaluate(async ({ photo, autoPlace }) => {
      const el = document.querySelector('hairline-visualizer');
      el.setAttribute('auto-place', autoPlace ? 'on' : 'off');
      el.scrollIntoView();
      await (await import('/hv/test-hook.js')).testHook(el).ready();
      const { canvas } = await __bench.cameraPhoto(photo);
      const jpeg = new File([await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 })], 'camera.jpg', { type: 'image/jpeg' });
      // A visitor takes a few seconds to pick a photo after the page is ready.
      await new Promise((r) => setTimeout(r, 3000));
      let worst = 0;
      const observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) worst = Math.max(worst, e.duration);
      });
      observer.observe({ type: 'longtask' });
      const t0 = performance.now();
      const done = new Promise((r) => el.addEventListener(autoPlace ? 'auto-place' : 'render', () => r(performance.now()), { once: true }));
      await el.loadImage(jpeg);
      const t1 = await done;
      await new Promise((r) => setTimeout(r, 100));
      observer.disconnect();
      return { ms: t1 - t0, worst };
    }, { photo: PHOTO, autoPlace });
    await dpage.close();
    return r;
  };
  for (const rate of [1, THROTTLE]) {
    const drop = await dropRun(false, rate);
    rows.push({ name: `load: 12MP JPEG to first preview${suffix(rate)}`, rate, width: 4032, height: 3024, dots: 0, median_ms: drop.ms, longest_task_ms: drop.worst });
    const placed = await dropRun(true, rate);
    rows.push({ name: `load: 12MP JPEG to face placed${suffix(rate)}`, rate, width: 4032, height: 3024, dots: 0, median_ms: placed.ms, longest_task_ms: placed.worst });
  }

  // ---- the idle-time warm-up after `ready` (wasm code paged in, worker
  // pools and models started): the longest main-thread task it makes ----
  for (const rate of [1, THROTTLE]) {
    const wpage = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    if (rate > 1) await (await wpage.context().newCDPSession(wpage)).send('Emulation.setCPUThrottlingRate', { rate });
    await wpage.addInitScript(() => {
      window.__tasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__tasks.push({ start: e.startTime, ms: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    await wpage.goto(`${BASE}/`);
    const warm = await wpage.evaluate(async () => {
      const el = document.querySelector('hairline-visualizer');
      await (await import('/hv/test-hook.js')).testHook(el).ready();
      const readyAt = performance.now();
      // A visitor reads the page for a few seconds before picking a photo.
      await new Promise((r) => setTimeout(r, 6000));
      const after = window.__tasks.filter((t) => t.start + t.ms > readyAt);
      return { worst: Math.max(0, ...after.map((t) => t.ms)), tasks: after.length };
    });
    await wpage.close();
    rows.push({ name: `warm-up: longest task after ready${suffix(rate)}`, rate, width: 0, height: 0, dots: 0, median_ms: null, longest_task_ms: warm.worst, long_tasks: warm.tasks });
  }

  // ---- load: module import to `ready`, fresh context each time ----
  const loads = [];
  for (let k = 0; k < (QUICK ? 2 : 5); k++) {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    // A blank page on our origin, so only the module and the wasm load.
    await p.route(`${BASE}/blank`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>b</title><body></body>' }));
    await p.goto(`${BASE}/blank`);
    loads.push(await p.evaluate(async () => {
      const t = performance.now();
      await import('/hairline-visualizer.js');
      const el = document.createElement('hairline-visualizer');
      const ready = new Promise((r) => el.addEventListener('ready', r, { once: true }));
      document.body.append(el);
      await ready;
      return performance.now() - t;
    }));
    await ctx.close();
  }
  loads.sort((a, b) => a - b);
  const wasm = await readFile(path.join(root, 'www', 'pkg', 'hairline_visualizer_bg.wasm'));
  rows.push({
    name: 'load: import to ready', width: 0, height: 0, dots: 0, median_ms: loads[Math.floor(loads.length / 2)],
    wasm_bytes: wasm.length, wasm_gzip_bytes: gzipSync(wasm, { level: 9 }).length,
  });
}

/** A 2-second drag of the mid-frontal point on a 1280×960 preview, at CPU
 * throttling `rate`: frames per second and the work per frame. */
async function dragRow(browser, rate) {
  const ipage = await open(browser, { width: 2000, height: 1450 }, 4 / 3, rate);
  await ipage.evaluate(async ({ photo, pupils }) => {
    const el = document.querySelector('hairline-visualizer');
    el.setAttribute('auto-place', 'off'); // calibrated by hand just below
    // The widget alone, filling the window: a stage (and preview) about
    // 1280 px across.
    el.style.cssText = 'position: fixed; inset: 0; width: 100vw; height: 100vh; max-width: none; margin: 0; z-index: 10; background: #fff';
    // The 12 MP camera-sized photo again, so the preview is as large as the
    // stage (not capped by a small photo).
    const big = await __bench.cameraPhoto(photo, pupils);
    await el.loadImage(await createImageBitmap(big.canvas));
    el.setCalibration(big.pupils);
    // The segmentation the pupils start (in the model worker) lands first.
    await (await import('/hv/test-hook.js')).testHook(el).segmented();
  }, { photo: PHOTO, pupils: fixtures[PHOTO] });
  await ipage.waitForTimeout(300);
  // The drag runs inside the page, one pointer move per animation frame,
  // through the element's own pointer handlers (as a finger would), so the
  // test driver's round trips do not pace the frames.
  const frames = await ipage.evaluate(async () => {
    const el = document.querySelector('hairline-visualizer');
    const handle = el.shadowRoot.querySelector('g[data-point="3"]');
    const stage = el.shadowRoot.querySelector('.hv-stage');
    const box = handle.getBoundingClientRect();
    const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
    const list = [];
    el.addEventListener('render', (e) => list.push({ t: performance.now(), w: e.detail.width, h: e.detail.height, ms: e.detail.ms }));
    const pointer = (type, target, x, y) => target.dispatchEvent(new PointerEvent(type, {
      pointerId: 1, pointerType: 'touch', isPrimary: true, clientX: x, clientY: y, bubbles: true, composed: true, cancelable: true,
    }));
    pointer('pointerdown', handle, cx, cy);
    const t0 = performance.now();
    await new Promise((done) => {
      let i = 0;
      const step = () => {
        if (performance.now() - t0 > 2000) { done(); return; }
        const a = (i++ / 30) * Math.PI;
        pointer('pointermove', stage, cx + Math.sin(a) * 20, cy + Math.sin(a * 0.7) * 30);
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });
    pointer('pointerup', stage, cx, cy);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return list;
  });
  const span = frames.length > 1 ? frames[frames.length - 1].t - frames[0].t : 1;
  const gaps = frames.slice(1).map((f, k) => f.t - frames[k].t).sort((a, b) => a - b);
  const work = frames.map((f) => f.ms).sort((a, b) => a - b);
  const medianGap = gaps[Math.floor(gaps.length / 2)] || 0;
  await ipage.close();
  return {
    name: `interaction: drag fps${suffix(rate)}`, rate, width: frames[0]?.w || 0, height: frames[0]?.h || 0, dots: 0,
    median_ms: medianGap, fps: ((frames.length - 1) * 1000) / span, worst_ms: gaps[gaps.length - 1] || 0,
    frames: frames.length, render_median_ms: work[Math.floor(work.length / 2)] || 0, render_worst_ms: work[work.length - 1] || 0,
  };
}

// Ratios against baselines measured in this run.
const by = (name) => rows.find((r) => r.name === name);
const ratio = (row, base) => { row.baseline = base; row.ratio = row.median_ms / by(base).median_ms; };
for (const r of rows) { r.baseline = null; r.ratio = null; }
ratio(by('ours: full render 12MP'), 'floor: memcpy 12MP in wasm');
ratio(by('baseline: Canvas2D dots 12MP'), 'ours: full render 12MP');
ratio(by('ours: preview render+present'), 'floor: putImageData 12MP');
ratio(by('baseline: Canvas2D dots preview'), 'ours: preview render+present');
ratio(by('ours: 100k dots 12MP (stress)'), 'floor: memcpy 12MP in wasm');
ratio(by('baseline: Canvas2D 100k dots 12MP'), 'ours: 100k dots 12MP (stress)');

await mkdir(path.join(root, 'target'), { recursive: true });
await writeFile(path.join(root, 'target', 'bench.json'), JSON.stringify(rows, null, 2));

const pad = (s, n) => String(s).padEnd(n);
const num = (v, d = 2) => (v == null ? '' : Number(v).toFixed(d));
console.log(`\n${pad('benchmark', 34)}${pad('size', 12)}${pad('dots', 9)}${pad('median ms', 11)}${pad('ratio', 8)}vs`);
for (const r of rows) {
  const size = r.width ? `${r.width}×${r.height}` : '';
  if (r.median_ms == null || r.rate > 1 || r.name.startsWith('face+segmentation: ')) continue;
  console.log(`${pad(r.name, 34)}${pad(size, 12)}${pad(r.dots || '', 9)}${pad(num(r.median_ms), 11)}${pad(num(r.ratio), 8)}${r.baseline || ''}`);
}
const drag = by('interaction: drag fps');
const load = by('load: import to ready');
if (drag) console.log(`\ndrag: ${num(drag.fps, 1)} frames/s, worst frame ${num(drag.worst_ms, 1)} ms (median ${num(drag.median_ms, 1)} ms); render + present per frame: median ${num(drag.render_median_ms, 1)} ms, worst ${num(drag.render_worst_ms, 1)} ms`);
const dropRow = by('load: 12MP JPEG to first preview');
if (dropRow) console.log(`12 MP JPEG: first preview after ${num(dropRow.median_ms, 0)} ms; the longest main-thread task took ${num(dropRow.longest_task_ms, 0)} ms`);
const placedRow = by('load: 12MP JPEG to face placed');
if (placedRow) console.log(`12 MP JPEG with automatic placement: face placed after ${num(placedRow.median_ms, 0)} ms; the longest main-thread task took ${num(placedRow.longest_task_ms, 0)} ms`);
if (load) console.log(`wasm: ${(load.wasm_bytes / 1024).toFixed(1)} KB raw, ${(load.wasm_gzip_bytes / 1024).toFixed(1)} KB gzip; import → ready ${num(load.median_ms, 0)} ms`);
// The phone column: the same runs with the CPU throttled, against the
// targets of issue #14 (no main-thread task over 100 ms while a photo
// loads, a drag at 30 frames per second or more, warm-up tasks under 50 ms).
const pair = (name) => [by(name), by(`${name}${suffix(THROTTLE)}`)];
if (by(`interaction: drag fps${suffix(THROTTLE)}`)) {
  console.log(`\n${pad(`on a phone (CPU ${THROTTLE}× slower)`, 44)}${pad('here', 12)}${pad(`${THROTTLE}× slower`, 12)}target (${THROTTLE}×)`);
  const line = (label, [a, b], f, target, ok) => console.log(`${pad(label, 44)}${pad(a ? f(a) : '', 12)}${pad(b ? f(b) : '', 12)}${target}${b ? (ok(b) ? '  met' : '  MISSED') : ''}`);
  const ms = (key) => (r) => `${num(r[key], 0)} ms`;
  line('12 MP JPEG: drop to first preview', pair('load: 12MP JPEG to first preview'), ms('median_ms'), '', () => true);
  line('  longest main-thread task meanwhile', pair('load: 12MP JPEG to first preview'), ms('longest_task_ms'), '≤ 100 ms', (r) => r.longest_task_ms <= 100);
  line('12 MP JPEG: drop to face placed', pair('load: 12MP JPEG to face placed'), ms('median_ms'), '', () => true);
  line('  longest main-thread task meanwhile', pair('load: 12MP JPEG to face placed'), ms('longest_task_ms'), '≤ 100 ms', (r) => r.longest_task_ms <= 100);
  line('drag at 1280×960', pair('interaction: drag fps'), (r) => `${num(r.fps, 1)} fps`, '≥ 30 fps', (r) => r.fps >= 30);
  line('warm-up after ready: longest task', pair('warm-up: longest task after ready'), ms('longest_task_ms'), '≤ 50 ms', (r) => r.longest_task_ms <= 50);
}
const faces = rows.filter((r) => r.name.startsWith('face+segmentation: '));
if (faces.length) {
  console.log(`\n${pad('face + segmentation (vs hand-marked pupils)', 42)}${pad('left %IPD', 11)}${pad('right %IPD', 12)}${pad('ms', 8)}confidence`);
  for (const f of faces) {
    console.log(`${pad(f.name.slice('face+segmentation: '.length), 42)}${pad(num(f.left_error_pct, 1), 11)}${pad(num(f.right_error_pct, 1), 12)}${pad(num(f.median_ms, 0), 8)}${num(f.confidence, 2)}`);
  }
  const errs = faces.flatMap((f) => [f.left_error_pct, f.right_error_pct]).sort((a, b) => a - b);
  console.log(`pupil error: median ${num(errs[Math.floor(errs.length / 2)], 1)}%, worst ${num(errs[errs.length - 1], 1)}% of the interpupillary distance`);
}
printMirror();
const memory = by('memory: wasm peak');
console.log(`wasm memory peak: ${(memory.wasm_bytes / 2 ** 20).toFixed(0)} MB = ${num(memory.image_buffers, 2)} × one 12 MP RGBA buffer`);
console.log(`full render is ${num(by('baseline: Canvas2D dots 12MP').ratio, 1)}× faster than Canvas2D and ${num(by('ours: full render 12MP').ratio, 1)}× the memcpy floor`);
console.log(`100k-dot stress is ${num(by('baseline: Canvas2D 100k dots 12MP').ratio, 1)}× faster than Canvas2D and ${num(by('ours: 100k dots 12MP (stress)').ratio, 1)}× the memcpy floor`);

function printMirror() {
  const num = (v, d = 2) => (v == null ? '' : Number(v).toFixed(d));
  for (const m of rows.filter((r) => r.name.startsWith('mirror: '))) {
    const st = Object.entries(m.stages_median_ms).map(([k, v]) => `${k} ${num(v, 1)}`).join(', ');
    console.log(`${m.name} (${m.thread}, ${m.width}×${m.height} camera): ${num(m.fps, 1)} frames/s shown, frame median ${num(m.median_ms, 1)} ms, worst ${num(m.worst_ms, 1)} ms, ${Math.round(m.tracked_share * 100)}% tracked; core stages (median ms): ${st}`);
  }
}
