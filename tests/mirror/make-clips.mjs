#!/usr/bin/env node
// Test clips for the live mirror (issue #15): a fake webcam that Chromium
// can play, made from the test photos with known motion.
//
//   node tests/mirror/make-clips.mjs [--photos DIR] [--out target/mirror]
//        [--names a,b,c] [--seconds 3] [--fps 30] [--noise 2] [--check]
//
// For each photo (default: three with different skin, size and gaze) it
// writes four 640x480 clips, 30 fps, 3 s, as YUV4MPEG2 (4:2:0, C420jpeg,
// BT.601 limited range, what Chromium's fake capture device reads):
//
//   <photo>-still.y4m      the photo, still (only sensor-like noise moves)
//   <photo>-translate.y4m  moved ±80 px across and ±30 px down
//   <photo>-roll.y4m       rolled ±15° about the frame's centre
//   <photo>-scale.y4m      scaled 0.8-1.2
//
// Each frame carries its index in the bottom left corner (FRAME_CODE).
// Next to each clip a <clip>.json holds the ground truth: the hand-marked
// pupils of tests/fixtures/pupils.json moved with the photo, per frame.
// The motions are those of tests/track_native.rs (the same clips the
// native tracker test makes in memory): the photo is scaled to fit the
// frame, centred on a plain wall, then moved with phase 2π·t / 3 s.
//
// Chromium plays a clip as the camera with
//   --use-fake-device-for-media-stream --use-fake-ui-for-media-stream
//   --use-file-for-fake-video-capture=target/mirror/<clip>.y4m
// (it loops the file). --check does exactly that with the first still
// clip: a loopback page calls getUserMedia, grabs a frame from the video
// and compares it with the frame that was written.
//
// The photos are decoded and moved on a canvas in headless Debian Chromium
// (playwright-core, the project's CHROMIUM_ARGS), as the browser tests see
// them; nothing is fetched from the network. Never downloads browsers.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../playwright.config.mjs';
import { photosDir } from '../../tools/photos-dir.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}
const PHOTOS = path.resolve(arg('--photos', process.env.FACE_PHOTOS || photosDir(REPO)));
const OUT = path.resolve(arg('--out', path.join(REPO, 'target', 'mirror')));
const NAMES = arg('--names', 'front-shaved-dark-01,front-receding-light-01,front-thinning-light-01').split(',');
const SECONDS = Number(arg('--seconds', '3'));
const FPS = Number(arg('--fps', '30'));
const NOISE = Number(arg('--noise', '2'));
const CHECK = process.argv.includes('--check');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const W = 640;
const H = 480;

// The frame's index, written into the frame as FRAME_CODE.bits black or
// white 16x16 squares along the bottom left edge (least significant bit
// first), so a browser test can tell which clip frame a camera frame is
// (Chromium's fake camera loops the clip at its own pace). The squares
// are far from the face; the ground truth is unaffected.
const FRAME_CODE = { bits: 7, size: 16, y: H - 16 };
function stampFrameCode(i420, index) {
  const { bits, size, y } = FRAME_CODE;
  const cw = W / 2;
  const uOff = W * H;
  const vOff = uOff + cw * (H / 2);
  for (let k = 0; k < bits; k++) {
    const luma = (index >> k) & 1 ? 235 : 16;
    for (let r = y; r < y + size; r++) i420.fill(luma, r * W + k * size, r * W + (k + 1) * size);
    for (let r = y / 2; r < (y + size) / 2; r++) {
      i420.fill(128, uOff + r * cw + (k * size) / 2, uOff + r * cw + ((k + 1) * size) / 2);
      i420.fill(128, vOff + r * cw + (k * size) / 2, vOff + r * cw + ((k + 1) * size) / 2);
    }
  }
  return i420;
}
const WALL = [128, 122, 114];
const MOTIONS = ['still', 'translate', 'roll', 'scale'];

if (!(SECONDS > 0 && SECONDS <= 20 && FPS > 0 && FPS <= 60)) {
  console.error('make-clips: --seconds must be in (0, 20] and --fps in (0, 60]');
  process.exit(2);
}
const pupils = JSON.parse(fs.readFileSync(path.join(REPO, 'tests', 'fixtures', 'pupils.json'), 'utf8')).photos;
for (const n of NAMES) {
  if (!pupils[`${n}.jpg`] || !fs.existsSync(path.join(PHOTOS, `${n}.jpg`))) {
    console.error(`make-clips: ${n}.jpg is not in ${PHOTOS} or has no hand-marked pupils`);
    process.exit(2);
  }
}

/// Photo pixel -> frame pixel at time t (s): centre + k R(angle) (p - photo centre).
function placement(motion, t, w, h) {
  const k0 = Math.min(H / h, W / w);
  const phase = (2 * Math.PI * t) / 3;
  const p = { k: k0, angle: 0, cx: W / 2, cy: H / 2 };
  if (motion === 'translate') {
    p.cx += 80 * Math.sin(phase);
    p.cy += 30 * Math.sin(2 * phase);
  } else if (motion === 'roll') {
    p.angle = (15 * Math.PI / 180) * Math.sin(phase);
  } else if (motion === 'scale') {
    p.k = k0 * (1 + 0.2 * Math.sin(phase));
  }
  return p;
}

function apply(p, x, y, w, h) {
  const dx = (x - w / 2) * p.k;
  const dy = (y - h / 2) * p.k;
  const c = Math.cos(p.angle);
  const s = Math.sin(p.angle);
  return { x: p.cx + c * dx - s * dy, y: p.cy + s * dx + c * dy };
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>mirror clips</title>
<canvas id="c" width="${W}" height="${H}"></canvas>
<script>
// Seeded noise: a clip's frames are the same on every run.
function rng(seed) {
  let s = seed >>> 0;
  return () => { s = (s + 0x6D2B79F5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
window.load = async (src) => { const img = new Image(); img.src = src; await img.decode(); window.img = img;
  return { width: img.naturalWidth, height: img.naturalHeight }; };
// Draw the photo placed by p on the wall; add noise; return RGB (for the
// check) or I420 (BT.601 limited range, chroma averaged over 2x2), base64.
window.frame = (p, wall, noise, seed, want) => {
  const ctx = document.getElementById('c').getContext('2d', { willReadFrequently: true });
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = 'rgb(' + wall.join(',') + ')';
  ctx.fillRect(0, 0, ${W}, ${H});
  const c = Math.cos(p.angle) * p.k, s = Math.sin(p.angle) * p.k;
  const w = img.naturalWidth, h = img.naturalHeight;
  ctx.setTransform(c, s, -s, c, p.cx - c * w / 2 + s * h / 2, p.cy - s * w / 2 - c * h / 2);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(img, 0, 0);
  const px = ctx.getImageData(0, 0, ${W}, ${H}).data;
  const r = rng(seed);
  const gauss = () => (r() + r() + r() + r() - 2) * 1.732 * noise;
  const n = ${W * H};
  const rgb = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) {
    rgb[i * 3 + k] = Math.min(255, Math.max(0, Math.round(px[i * 4 + k] + (noise > 0 ? gauss() : 0))));
  }
  let out;
  if (want === 'rgb') {
    out = Uint8Array.from(rgb);
  } else {
    out = new Uint8Array(n * 3 / 2);
    for (let i = 0; i < n; i++) {
      const [R, G, B] = [rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]];
      out[i] = Math.round(16 + (65.481 * R + 128.553 * G + 24.966 * B) / 255);
    }
    const cw = ${W / 2}, ch = ${H / 2};
    for (let y = 0; y < ch; y++) for (let x = 0; x < cw; x++) {
      let R = 0, G = 0, B = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const i = ((2 * y + dy) * ${W} + 2 * x + dx) * 3;
        R += rgb[i] / 4; G += rgb[i + 1] / 4; B += rgb[i + 2] / 4;
      }
      out[n + y * cw + x] = Math.round(128 + (-37.797 * R - 74.203 * G + 112 * B) / 255);
      out[n + cw * ch + y * cw + x] = Math.round(128 + (112 * R - 93.786 * G - 18.214 * B) / 255);
    }
  }
  let bin = '';
  for (let i = 0; i < out.length; i += 0x8000) bin += String.fromCharCode.apply(null, out.subarray(i, i + 0x8000));
  return btoa(bin);
};
</script>`;

const CAMERA_PAGE = `<!doctype html><meta charset="utf-8"><title>camera check</title>
<video id="v" autoplay muted playsinline></video><canvas id="c" width="${W}" height="${H}"></canvas>
<script>
window.grab = async () => {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: ${W}, height: ${H} } });
  const v = document.getElementById('v');
  v.srcObject = stream;
  await v.play();
  // Let a few frames through, then take one.
  await new Promise((ok) => setTimeout(ok, 500));
  const ctx = document.getElementById('c').getContext('2d', { willReadFrequently: true });
  ctx.drawImage(v, 0, 0, ${W}, ${H});
  const px = ctx.getImageData(0, 0, ${W}, ${H}).data;
  const track = stream.getVideoTracks()[0];
  const settings = track.getSettings();
  const rgb = new Uint8Array(${W * H} * 3);
  for (let i = 0; i < ${W * H}; i++) for (let k = 0; k < 3; k++) rgb[i * 3 + k] = px[i * 4 + k];
  let bin = '';
  for (let i = 0; i < rgb.length; i += 0x8000) bin += String.fromCharCode.apply(null, rgb.subarray(i, i + 0x8000));
  track.stop();
  return { label: track.label, width: v.videoWidth, height: v.videoHeight, frameRate: settings.frameRate, rgb: btoa(bin) };
};
</script>`;

const server = http.createServer((req, res) => {
  const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (url === '/' || url === '/camera') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(url === '/' ? PAGE : CAMERA_PAGE);
  } else if (url.startsWith('/photos/') && !url.includes('..') && !url.slice(8).includes('/')) {
    fs.readFile(path.join(PHOTOS, url.slice(8)), (err, data) => {
      if (err) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.end(data);
    });
  } else {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}`;

fs.mkdirSync(OUT, { recursive: true });
const frames = Math.round(SECONDS * FPS);
const written = [];
let firstStill = null;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${base}/`);
  for (const name of NAMES) {
    const size = await page.evaluate((src) => window.load(src), `/photos/${encodeURIComponent(name)}.jpg`);
    const marks = pupils[`${name}.jpg`];
    for (const [m, motion] of MOTIONS.entries()) {
      const clip = `${name}-${motion}`;
      const file = path.join(OUT, `${clip}.y4m`);
      const fd = fs.openSync(file, 'w');
      fs.writeSync(fd, `YUV4MPEG2 W${W} H${H} F${FPS}:1 Ip A1:1 C420jpeg XYSCSS=420JPEG\n`);
      const truth = [];
      for (let i = 0; i < frames; i++) {
        const t = i / FPS;
        const p = placement(motion, t, size.width, size.height);
        const seed = (m * 7919 + i * 104729 + name.length * 31) >>> 0;
        const b64 = await page.evaluate(([p, wall, noise, seed]) => window.frame(p, wall, noise, seed, 'i420'), [p, WALL, NOISE, seed]);
        fs.writeSync(fd, 'FRAME\n');
        fs.writeSync(fd, stampFrameCode(Buffer.from(b64, 'base64'), i));
        const l = apply(p, marks.leftPupil.x, marks.leftPupil.y, size.width, size.height);
        const r = apply(p, marks.rightPupil.x, marks.rightPupil.y, size.width, size.height);
        const round = (v) => Math.round(v * 1000) / 1000;
        truth.push({
          frame: i,
          t_ms: round(t * 1000),
          leftPupil: { x: round(l.x), y: round(l.y) },
          rightPupil: { x: round(r.x), y: round(r.y) },
          roll_deg: round((Math.atan2(r.y - l.y, r.x - l.x) * 180) / Math.PI),
          ipd_px: round(Math.hypot(r.x - l.x, r.y - l.y)),
        });
        if (motion === 'still' && i === 0 && !firstStill) {
          const rgb = await page.evaluate(([p, wall, seed]) => window.frame(p, wall, 0, seed, 'rgb'), [p, WALL, seed]);
          firstStill = { file, rgb: Buffer.from(rgb, 'base64') };
        }
      }
      fs.closeSync(fd);
      fs.writeFileSync(path.join(OUT, `${clip}.json`), `${JSON.stringify({
        generator: 'tests/mirror/make-clips.mjs',
        clip: `${clip}.y4m`,
        photo: `${name}.jpg`,
        width: W,
        height: H,
        fps: FPS,
        frames,
        motion: {
          kind: motion,
          description: {
            still: 'the photo scaled to fit the frame, centred, still',
            translate: 'centre moved by (80 sin φ, 30 sin 2φ) px, φ = 2π t / 3 s',
            roll: 'rolled by 15° sin φ about the frame centre (positive: clockwise on screen)',
            scale: 'scaled by 1 + 0.2 sin φ about the frame centre',
          }[motion],
          wall_rgb: WALL,
          noise_sd: NOISE,
        },
        frame_code: { ...FRAME_CODE, description: 'frame index in bits squares of size px from (0, y), least significant first; white = 1' },
        coordinates: 'frame pixels, x right, y down, pixel centres at +0.5; leftPupil is on the image left. Ground truth = the hand-marked pupils of tests/fixtures/pupils.json (about ±1.5 px on the photo) moved with it.',
        pupils: truth,
      }, null, 1)}\n`);
      const mb = fs.statSync(file).size / 1e6;
      written.push(clip);
      console.log(`${path.relative(REPO, file)}: ${frames} frames, ${mb.toFixed(1)} MB (+ .json)`);
    }
  }
} finally {
  await browser.close();
}

if (CHECK && firstStill) {
  // Play the first still clip as the camera and grab a frame.
  const cam = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${firstStill.file}`,
    ],
  });
  try {
    const page = await cam.newPage();
    await page.goto(`${base}/camera`);
    const got = await page.evaluate(() => window.grab());
    const rgb = Buffer.from(got.rgb, 'base64');
    let sum = 0;
    let max = 0;
    for (let i = 0; i < rgb.length; i++) {
      const d = Math.abs(rgb[i] - firstStill.rgb[i]);
      sum += d;
      max = Math.max(max, d);
    }
    const mean = sum / rgb.length;
    const ok = got.width === W && got.height === H && mean < 6;
    console.log(`camera check (${path.relative(REPO, firstStill.file)}): track "${got.label}", ${got.width}x${got.height} at ${got.frameRate} fps; ` +
      `grabbed frame vs written frame: mean |diff| ${mean.toFixed(2)}, max ${max} (8-bit RGB) -> ${ok ? 'OK' : 'MISMATCH'}`);
    if (!ok) process.exitCode = 1;
  } finally {
    await cam.close();
  }
}
server.close();
console.log(`wrote ${written.length} clips to ${path.relative(REPO, OUT)}/`);
