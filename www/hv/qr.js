// A QR code encoder (ISO/IEC 18004, model 2), byte mode only, error
// correction level L or M, versions 1–40: enough for the brief's share link
// without a dependency. Checked against an independent encoder and decoder
// (tests/e2e/qr.spec.mjs).

// Error-correction codewords per block and number of blocks, by version
// (index 0 unused), for levels L and M (ISO/IEC 18004 table 9).
const EC_PER_BLOCK = {
  L: [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  M: [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
};
const BLOCKS = {
  L: [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
  M: [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
};
const FORMAT_LEVEL = { L: 1, M: 0 };

/** Modules left for data and error correction in a symbol of `v`. */
function rawModules(v) {
  let n = (16 * v + 128) * v + 64;
  if (v >= 2) {
    const align = Math.floor(v / 7) + 2;
    n -= (25 * align - 10) * align - 55;
    if (v >= 7) n -= 36;
  }
  return n;
}

/** Data codewords a symbol of version `v` at level `ecl` holds. */
export function dataCodewords(v, ecl) {
  return Math.floor(rawModules(v) / 8) - EC_PER_BLOCK[ecl][v] * BLOCKS[ecl][v];
}

/** Centres of the alignment patterns along each axis. */
function alignmentCentres(v) {
  if (v === 1) return [];
  const count = Math.floor(v / 7) + 2;
  const size = v * 4 + 17;
  const step = v === 32 ? 26 : Math.ceil((v * 4 + 4) / (count * 2 - 2)) * 2;
  const out = [6];
  for (let pos = size - 7; out.length < count; pos -= step) out.splice(1, 0, pos);
  return out;
}

// ---- GF(256), polynomial x^8 + x^4 + x^3 + x^2 + 1
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
for (let i = 0, x = 1; i < 255; i++) {
  EXP[i] = x;
  LOG[x] = i;
  x <<= 1;
  if (x & 0x100) x ^= 0x11d;
}
for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
export const gfMul = (a, b) => (a && b ? EXP[LOG[a] + LOG[b]] : 0);

/** The generator polynomial of degree `n` (highest coefficient first, the leading 1 dropped). */
function generator(n) {
  let g = [1];
  for (let i = 0; i < n; i++) {
    const next = new Array(g.length + 1).fill(0);
    for (let j = 0; j < g.length; j++) {
      next[j] ^= g[j];
      next[j + 1] ^= gfMul(g[j], EXP[i]);
    }
    g = next;
  }
  return g.slice(1);
}

/** The `n` error-correction codewords of `data`. */
export function reedSolomon(data, n) {
  const g = generator(n);
  const rem = new Array(n).fill(0);
  for (const b of data) {
    const factor = b ^ rem.shift();
    rem.push(0);
    for (let i = 0; i < n; i++) rem[i] ^= gfMul(g[i], factor);
  }
  return rem;
}

/** The codewords (data then error correction, interleaved) for `bytes` at `v`, `ecl`. */
function codewords(bytes, v, ecl) {
  const capacity = dataCodewords(v, ecl);
  const bits = [];
  const put = (value, n) => { for (let i = n - 1; i >= 0; i--) bits.push((value >>> i) & 1); };
  put(0b0100, 4);
  put(bytes.length, v < 10 ? 8 : 16);
  for (const b of bytes) put(b, 8);
  put(0, Math.min(4, capacity * 8 - bits.length));
  while (bits.length % 8) bits.push(0);
  const data = [];
  for (let i = 0; i < bits.length; i += 8) data.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));
  for (let pad = 0xec; data.length < capacity; pad ^= 0xec ^ 0x11) data.push(pad);
  // Split into blocks: the short ones first, the long ones one data codeword longer.
  const total = Math.floor(rawModules(v) / 8);
  const nBlocks = BLOCKS[ecl][v];
  const ecLen = EC_PER_BLOCK[ecl][v];
  const shortLen = Math.floor(total / nBlocks) - ecLen;
  const nShort = nBlocks - (total % nBlocks);
  const blocks = [];
  for (let i = 0, k = 0; i < nBlocks; i++) {
    const len = shortLen + (i < nShort ? 0 : 1);
    const d = data.slice(k, k + len);
    k += len;
    blocks.push({ d, e: reedSolomon(d, ecLen) });
  }
  const out = [];
  for (let i = 0; i <= shortLen; i++) for (const b of blocks) if (i < b.d.length) out.push(b.d[i]);
  for (let i = 0; i < ecLen; i++) for (const b of blocks) out.push(b.e[i]);
  return out;
}

const MASKS = [
  (x, y) => (x + y) % 2 === 0,
  (x, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

/** The 15 format bits for `ecl` and `mask`, BCH-protected and masked. */
export function formatBits(ecl, mask) {
  const data = (FORMAT_LEVEL[ecl] << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  return ((data << 10) | rem) ^ 0x5412;
}

/** The 18 version bits (versions 7 and up). */
function versionBits(v) {
  let rem = v;
  for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
  return (v << 12) | rem;
}

/** Penalty of a finished symbol (ISO/IEC 18004 7.8.3): the mask with the lowest is used. */
function penalty(m, size) {
  const at = (x, y) => m[y * size + x];
  let score = 0;
  // Runs of five or more, and finder-like 1:1:3:1:1 patterns with four light modules beside them.
  const finder = [1, 0, 1, 1, 1, 0, 1];
  for (let pass = 0; pass < 2; pass++) {
    for (let a = 0; a < size; a++) {
      let run = 1;
      for (let b = 1; b <= size; b++) {
        const same = b < size && (pass ? at(a, b) === at(a, b - 1) : at(b, a) === at(b - 1, a));
        if (same) run++;
        else {
          if (run >= 5) score += run - 2;
          run = 1;
        }
      }
      for (let b = 0; b + 7 <= size; b++) {
        let ok = true;
        for (let k = 0; k < 7 && ok; k++) ok = (pass ? at(a, b + k) : at(b + k, a)) === finder[k];
        if (!ok) continue;
        const light = (from, to) => {
          for (let k = from; k < to; k++) {
            if (k >= 0 && k < size && (pass ? at(a, k) : at(k, a))) return false;
          }
          return true;
        };
        if (light(b - 4, b) || light(b + 7, b + 11)) score += 40;
      }
    }
  }
  for (let y = 0; y + 1 < size; y++) {
    for (let x = 0; x + 1 < size; x++) {
      const c = at(x, y);
      if (c === at(x + 1, y) && c === at(x, y + 1) && c === at(x + 1, y + 1)) score += 3;
    }
  }
  const dark = m.reduce((a, b) => a + b, 0);
  score += Math.floor(Math.abs(dark * 20 - size * size * 10) / (size * size)) * 10;
  return score;
}

/**
 * The QR symbol for `text` (UTF-8) at level `ecl` ('L' or 'M'), in the
 * smallest version that holds it (at least `minVersion`): {version, size,
 * mask, modules, remainder} where modules is a Uint8Array of size×size, 1
 * dark, row by row, and remainder the [x, y] of the modules left after the
 * last codeword. `mask` forces a mask pattern (0–7). Throws a RangeError
 * if the text does not fit.
 */
export function qrEncode(text, { ecl = 'M', mask: forced, minVersion = 1 } = {}) {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  let v = minVersion;
  while (v <= 40 && (bytes.length * 8 + 4 + (v < 10 ? 8 : 16)) > dataCodewords(v, ecl) * 8) v++;
  if (v > 40) throw new RangeError(`${bytes.length} bytes do not fit a QR code at level ${ecl}`);
  const size = v * 4 + 17;
  const m = new Uint8Array(size * size);
  const fn = new Uint8Array(size * size); // function modules: not data
  const set = (x, y, dark) => {
    m[y * size + x] = dark ? 1 : 0;
    fn[y * size + x] = 1;
  };
  // Timing patterns.
  for (let i = 0; i < size; i++) {
    set(6, i, i % 2 === 0);
    set(i, 6, i % 2 === 0);
  }
  // Finders with their separators.
  for (const [cx, cy] of [[3, 3], [size - 4, 3], [3, size - 4]]) {
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const x = cx + dx, y = cy + dy;
        if (x < 0 || y < 0 || x >= size || y >= size) continue;
        const d = Math.max(Math.abs(dx), Math.abs(dy));
        set(x, y, d !== 2 && d !== 4);
      }
    }
  }
  // Alignment patterns (not over the finders).
  const centres = alignmentCentres(v);
  const last = centres.length - 1;
  centres.forEach((cy, i) => centres.forEach((cx, j) => {
    if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
    for (let dy = -2; dy <= 2; dy++) {
      for (let dx = -2; dx <= 2; dx++) set(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
    }
  }));
  // Format (placeholders now, the bits once the mask is known) and version areas.
  const drawFormat = (bits) => {
    const bit = (i) => (bits >>> i) & 1;
    for (let i = 0; i <= 5; i++) set(8, i, bit(i));
    set(8, 7, bit(6));
    set(8, 8, bit(7));
    set(7, 8, bit(8));
    for (let i = 9; i < 15; i++) set(14 - i, 8, bit(i));
    for (let i = 0; i < 8; i++) set(size - 1 - i, 8, bit(i));
    for (let i = 8; i < 15; i++) set(8, size - 15 + i, bit(i));
    set(8, size - 8, 1); // the dark module
  };
  drawFormat(0);
  if (v >= 7) {
    const bits = versionBits(v);
    for (let i = 0; i < 18; i++) {
      const dark = (bits >>> i) & 1;
      const a = size - 11 + (i % 3), b = Math.floor(i / 3);
      set(a, b, dark);
      set(b, a, dark);
    }
  }
  // Data, in two-module columns zigzagging up and down from the right.
  const cw = codewords(bytes, v, ecl);
  const remainder = []; // the modules after the last codeword (0 before masking; readers skip them)
  let i = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    const upward = ((right + 1) & 2) === 0;
    for (let k = 0; k < size; k++) {
      const y = upward ? size - 1 - k : k;
      for (let j = 0; j < 2; j++) {
        const x = right - j;
        if (fn[y * size + x]) continue;
        if (i < cw.length * 8) m[y * size + x] = (cw[i >>> 3] >>> (7 - (i & 7))) & 1;
        else remainder.push([x, y]);
        i++;
      }
    }
  }
  const masked = (k) => {
    const out = m.slice();
    const f = MASKS[k];
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) if (!fn[y * size + x] && f(x, y)) out[y * size + x] ^= 1;
    }
    // The format bits belong to the mask (written over the copy).
    const bits = formatBits(ecl, k);
    const put = (x, y, b) => { out[y * size + x] = b; };
    const bit = (n) => (bits >>> n) & 1;
    for (let n = 0; n <= 5; n++) put(8, n, bit(n));
    put(8, 7, bit(6));
    put(8, 8, bit(7));
    put(7, 8, bit(8));
    for (let n = 9; n < 15; n++) put(14 - n, 8, bit(n));
    for (let n = 0; n < 8; n++) put(size - 1 - n, 8, bit(n));
    for (let n = 8; n < 15; n++) put(8, size - 15 + n, bit(n));
    return out;
  };
  let best = null;
  for (let k = 0; k < 8; k++) {
    if (forced != null && k !== forced) continue;
    const out = masked(k);
    const p = forced != null ? 0 : penalty(out, size);
    if (!best || p < best.p) best = { k, out, p };
  }
  return { version: v, size, mask: best.k, modules: best.out, remainder };
}
