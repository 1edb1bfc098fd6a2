#!/usr/bin/env node
// Test oracle for the native face detector (src/face/).
//
//   node tests/face/oracle.mjs [--photos DIR] [--out tests/face/reference.json]
//                              [--pixels target/face-fixtures]
//
// Runs the reference implementation -- @vladmandic/face-api 1.7.15 (tfjs,
// CPU backend) in headless Debian Chromium -- and writes:
//
// - `tests/face/reference.json`: per photo, the TinyFaceDetector boxes
//   (inputSize 416, scoreThreshold 0.5) and the 68 landmarks of both
//   landmark nets, in image pixels (`landmarks` are shifted by the clipped
//   crop corner, `landmarks_faceapi_shift` are face-api's own output, which
//   is off by the overhang when the box leaves the image); plus the outputs of single layers and of
//   whole nets on fixed synthetic inputs (`fixed`), which the Rust unit tests
//   compare against.
// - `target/face-fixtures/<name>.rgba`: the photo's pixels exactly as the
//   browser decoded them and handed them to face-api (row-major RGBA, size in
//   reference.json), so the native test sees the same pixels without a JPEG
//   decoder.
//
// Nothing is fetched from the network: a loopback HTTP server serves the
// library's ESM bundle, its weights and the photos. Never downloads browsers.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../playwright.config.mjs';
import { photosDir } from '../../tools/photos-dir.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FACE_API = path.join(REPO, 'node_modules', '@vladmandic', 'face-api');

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}
const PHOTOS = path.resolve(arg('--photos', process.env.FACE_PHOTOS || photosDir(REPO)));
const OUT = path.resolve(arg('--out', path.join(REPO, 'tests', 'face', 'reference.json')));
const PIXELS = path.resolve(arg('--pixels', path.join(REPO, 'target', 'face-fixtures')));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

if (!fs.existsSync(path.join(FACE_API, 'package.json'))) {
  console.error('oracle: node_modules/@vladmandic/face-api is missing; run `make tools` (npm ci) first');
  process.exit(2);
}
const photos = fs.readdirSync(PHOTOS).filter((f) => /\.jpe?g$/i.test(f)).sort();
if (photos.length === 0) {
  console.error(`oracle: no *.jpg in ${PHOTOS}`);
  process.exit(2);
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>face oracle</title>
<script type="module">
import * as faceapi from '/face-api/dist/face-api.esm.js';
window.faceapi = faceapi;
window.faceapiReady = true;
</script>`;

const MIME = { '.js': 'text/javascript', '.json': 'application/json', '.bin': 'application/octet-stream', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.map': 'application/json' };

function serveFile(res, file) {
  fs.readFile(file, (err, data) => {
    if (err) { res.writeHead(404); res.end('not found'); return; }
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] || 'application/octet-stream' });
    res.end(data);
  });
}

const server = http.createServer((req, res) => {
  const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (url === '/' || url === '/index.html') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  } else if (url === '/favicon.ico') {
    res.writeHead(204); res.end();
  } else if (url.startsWith('/face-api/') && !url.includes('..')) {
    serveFile(res, path.join(FACE_API, url.slice('/face-api/'.length)));
  } else if (url.startsWith('/photos/') && !url.includes('..') && !url.slice(8).includes('/')) {
    serveFile(res, path.join(PHOTOS, url.slice('/photos/'.length)));
  } else {
    res.writeHead(404); res.end('not found');
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
try {
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.error('page:', m.text()); });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.faceapiReady === true, null, { timeout: 60_000 });
  const info = await page.evaluate(async () => {
    const { faceapi } = window;
    await faceapi.tf.setBackend('cpu');
    await faceapi.tf.ready();
    await faceapi.nets.tinyFaceDetector.loadFromUri('/face-api/model');
    await faceapi.nets.faceLandmark68Net.loadFromUri('/face-api/model');
    await faceapi.nets.faceLandmark68TinyNet.loadFromUri('/face-api/model');
    return { version: faceapi.version, tfjs: faceapi.tf.version_core, backend: faceapi.tf.getBackend() };
  });
  console.log(`face-api ${info.version}, tfjs ${info.tfjs}, backend ${info.backend}`);

  // Fixed synthetic inputs and reference outputs of single layers / nets.
  const fixed = await page.evaluate(() => {
    const { faceapi } = window;
    const { tf } = faceapi;
    // Same formula as `fixed_pixel` in src/face/tests.
    const make = (h, w) => {
      const v = new Float32Array(h * w * 3);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
        v[(y * w + x) * 3 + c] = (x * 37 + y * 91 + c * 53 + ((x * y) % 23) * 11) % 256;
      }
      return tf.tensor3d(v, [h, w, 3]);
    };
    const arr = (t) => Array.from(t.dataSync());
    const leaky = (x) => { const m = tf.mul(x, tf.scalar(0.10000000149011612)); return tf.add(tf.relu(tf.sub(x, m)), m); };
    const out = {};
    // Detector, layer by layer on a 17x17 input (odd sizes exercise 'same' max-pool padding).
    {
      const p = faceapi.nets.tinyFaceDetector.params;
      const x = tf.div(faceapi.normalize(make(17, 17).expandDims(), [117.001, 114.697, 97.404]), 255);
      const c0 = leaky(tf.add(tf.conv2d(x, p.conv0.filters, [1, 1], 'valid'), p.conv0.bias));
      const mp = tf.maxPool(c0, [2, 2], [2, 2], 'same');
      const c1 = leaky(tf.add(tf.separableConv2d(tf.pad(mp, [[0, 0], [1, 1], [1, 1], [0, 0]]), p.conv1.depthwise_filter, p.conv1.pointwise_filter, [1, 1], 'valid'), p.conv1.bias));
      const mp1 = tf.maxPool(c1, [2, 2], [1, 1], 'same');
      out.detector_17 = {
        input: [17, 17],
        conv0: { shape: c0.shape.slice(1), data: arr(c0) },
        pool0: { shape: mp.shape.slice(1), data: arr(mp) },
        conv1: { shape: c1.shape.slice(1), data: arr(c1) },
        pool1_stride1: { shape: mp1.shape.slice(1), data: arr(mp1) },
      };
      // Whole detector on a 64x64 input: raw conv8 output (2x2 cells x 5 anchors x 5).
      const whole = faceapi.nets.tinyFaceDetector.forwardInput(new faceapi.NetInput([make(64, 64)]), 64);
      out.detector_64 = { input: [64, 64], shape: whole.shape.slice(1), data: arr(whole) };
    }
    // Landmark nets: first conv (stride 2, 'same') on 15x15; whole net on 112x112.
    for (const [key, net] of [['landmarks', faceapi.nets.faceLandmark68Net], ['landmarks_tiny', faceapi.nets.faceLandmark68TinyNet]]) {
      const p = net.faceFeatureExtractor.params;
      const x = tf.div(faceapi.normalize(make(15, 15).expandDims(), [122.782, 117.001, 104.298]), 255);
      const c0 = tf.relu(tf.add(tf.conv2d(x, p.dense0.conv0.filters, [2, 2], 'same'), p.dense0.conv0.bias));
      const c1 = tf.add(tf.separableConv2d(c0, p.dense0.conv1.depthwise_filter, p.dense0.conv1.pointwise_filter, [2, 2], 'same'), p.dense0.conv1.bias);
      const whole = net.runNet(new faceapi.NetInput([make(112, 112)]));
      out[key + '_15'] = {
        input: [15, 15],
        conv0: { shape: c0.shape.slice(1), data: arr(c0) },
        sep_stride2: { shape: c1.shape.slice(1), data: arr(c1) },
      };
      out[key + '_112'] = { input: [112, 112], data: arr(whole) };
    }
    return out;
  });

  const results = [];
  fs.mkdirSync(PIXELS, { recursive: true });
  for (const name of photos) {
    const r = await page.evaluate(async (src) => {
      const { faceapi } = window;
      const img = new Image();
      img.src = src;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(img, 0, 0);
      const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let bin = '';
      for (let i = 0; i < px.length; i += 0x8000) bin += String.fromCharCode.apply(null, px.subarray(i, i + 0x8000));
      const opts = new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 });
      const t0 = performance.now();
      const dets = await faceapi.detectAllFaces(canvas, opts);
      const t1 = performance.now();
      const full = await faceapi.detectAllFaces(canvas, opts).withFaceLandmarks();
      const t2 = performance.now();
      const tiny = await faceapi.detectAllFaces(canvas, opts).withFaceLandmarks(true);
      const t3 = performance.now();
      const box = (b) => ({ x: b.x, y: b.y, width: b.width, height: b.height });
      // face-api shifts the crop-relative landmarks by the *unclipped* box
      // corner, so a box that sticks out of the image (x or y < 0) moves all
      // points by the overhang. The crop itself starts at the clipped,
      // floored corner; shift by that instead (what src/face does).
      const crop = (f) => f.detection.box.floor().clipAtImageBorders(canvas.width, canvas.height);
      const pts = (f) => {
        const c = crop(f);
        return f.unshiftedLandmarks.positions.map((p) => [p.x + c.x, p.y + c.y]);
      };
      return {
        width: canvas.width,
        height: canvas.height,
        rgba: btoa(bin),
        faces: dets.map((d) => ({ score: d.score, box: box(d.box) })),
        crops: full.map((f) => box(crop(f))),
        landmarks: full.map(pts),
        landmarks_tiny: tiny.map(pts),
        landmarks_faceapi_shift: full.map((f) => f.landmarks.positions.map((p) => [p.x, p.y])),
        ms: { detect: t1 - t0, detect_landmarks: t2 - t1, detect_landmarks_tiny: t3 - t2 },
      };
    }, `/photos/${encodeURIComponent(name)}`);
    const stem = name.replace(/\.jpe?g$/i, '');
    fs.writeFileSync(path.join(PIXELS, `${stem}.rgba`), Buffer.from(r.rgba, 'base64'));
    delete r.rgba;
    results.push({ name: stem, ...r });
    console.log(`${stem}: ${r.faces.length} face(s), score ${r.faces.map((f) => f.score.toFixed(3)).join(',')}, ` +
      `${Math.round(r.ms.detect)} ms detect, ${Math.round(r.ms.detect_landmarks)} ms detect+landmarks`);
  }

  const round = (v) => (typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v);
  const json = JSON.stringify({
    generator: 'tests/face/oracle.mjs',
    face_api: info.version,
    tfjs: info.tfjs,
    backend: info.backend,
    detector: { input_size: 416, score_threshold: 0.5 },
    photos: results,
    fixed,
  }, (k, v) => (Array.isArray(v) ? v.map(round) : round(v)));
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, `${json}\n`);
  console.log(`wrote ${path.relative(REPO, OUT)} and ${photos.length} pixel files in ${path.relative(REPO, PIXELS)}/`);
} finally {
  await browser.close();
  server.close();
}
