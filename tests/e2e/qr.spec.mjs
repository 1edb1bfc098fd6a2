// The QR encoder of the brief (www/hv/qr.js) against an independent one:
// symbols made by OpenCV's QRCodeEncoder (tests/fixtures/qr/opencv.json,
// written by tools/qr_reference.py) must come out module for module the
// same at the same version and mask (the remainder modules after the last
// codeword excepted: readers skip them, and OpenCV does not leave them
// light). Also the published Reed-Solomon and format-string examples, the
// capacities of ISO/IEC 18004, and that every version at both levels is
// well formed. (While writing it, every version 1–40 at L and M was
// decoded back by OpenCV's QRCodeDetector.)
import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataCodewords, formatBits, qrEncode, reedSolomon } from '../../www/hv/qr.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const REFERENCE = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests/fixtures/qr/opencv.json'), 'utf8'));

const bitsOf = (c) => [...c.hex].map((h) => parseInt(h, 16).toString(2).padStart(4, '0')).join('').slice(0, c.size * c.size);

/** The mask a symbol's first format copy names. */
function maskOf(bits, size) {
  const at = (x, y) => Number(bits[y * size + x]);
  let f = 0;
  for (let k = 0; k < 6; k++) f |= at(8, k) << k;
  f |= (at(8, 7) << 6) | (at(8, 8) << 7) | (at(7, 8) << 8);
  for (let k = 9; k < 15; k++) f |= at(14 - k, 8) << k;
  return ((f ^ 0x5412) >> 10) & 7;
}

test('every module but the remainder matches OpenCV\'s encoder at the same version and mask', () => {
  expect(REFERENCE.cases.length).toBeGreaterThanOrEqual(5);
  for (const c of REFERENCE.cases) {
    const bits = bitsOf(c);
    const mask = maskOf(bits, c.size);
    const q = qrEncode(c.text, { ecl: c.ecl, mask, minVersion: c.version });
    expect(q.version, c.text).toBe(c.version);
    const skip = new Set(q.remainder.map(([x, y]) => y * q.size + x));
    const diffs = [];
    for (let i = 0; i < bits.length; i++) {
      if (!skip.has(i) && String(q.modules[i]) !== bits[i]) diffs.push([i % q.size, Math.floor(i / q.size)]);
    }
    expect(diffs, `${c.ecl}${c.version}: ${c.text.slice(0, 30)}`).toEqual([]);
    // And left to itself, the encoder picks the smallest version.
    expect(qrEncode(c.text, { ecl: c.ecl }).version).toBe(c.version);
  }
});

test('Reed-Solomon, format strings and capacities as the standard gives them', () => {
  // "HELLO WORLD" at 1-M (the worked example of the standard's annex).
  expect(reedSolomon([32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17], 10))
    .toEqual([196, 35, 39, 119, 235, 215, 231, 226, 93, 23]);
  expect(formatBits('L', 0).toString(2).padStart(15, '0')).toBe('111011111000100');
  expect(formatBits('M', 0).toString(2).padStart(15, '0')).toBe('101010000010010');
  expect(formatBits('M', 5).toString(2).padStart(15, '0')).toBe('100000011001110');
  // Byte-mode capacities: data codewords less the mode and count header.
  const bytes = (v, ecl) => Math.floor((dataCodewords(v, ecl) * 8 - 4 - (v < 10 ? 8 : 16)) / 8);
  expect([bytes(1, 'L'), bytes(1, 'M'), bytes(10, 'L'), bytes(10, 'M'), bytes(40, 'L'), bytes(40, 'M')])
    .toEqual([17, 14, 271, 213, 2953, 2331]);
  expect(qrEncode('x'.repeat(2331), { ecl: 'M' }).version).toBe(40);
  expect(() => qrEncode('x'.repeat(2332), { ecl: 'M' })).toThrow(RangeError);
});

test('every version at L and M is well formed: finders, timing, format copies and the dark module', () => {
  // One expect per symbol: the faults found are listed.
  for (const ecl of ['L', 'M']) {
    for (let v = 1; v <= 40; v++) {
      const q = qrEncode('hv', { ecl, minVersion: v });
      const n = q.size;
      const at = (x, y) => q.modules[y * n + x];
      const faults = [];
      if (n !== 4 * v + 17) faults.push(`size ${n}`);
      for (const [ox, oy] of [[0, 0], [n - 7, 0], [0, n - 7]]) {
        for (let y = 0; y < 7; y++) {
          for (let x = 0; x < 7; x++) {
            const d = Math.max(Math.abs(x - 3), Math.abs(y - 3));
            if (at(ox + x, oy + y) !== (d === 2 ? 0 : 1)) faults.push(`finder at ${ox + x},${oy + y}`);
          }
        }
      }
      for (let i = 8; i < n - 8; i++) {
        if (at(i, 6) !== (i % 2 === 0 ? 1 : 0)) faults.push(`timing row at ${i}`);
        if (at(6, i) !== (i % 2 === 0 ? 1 : 0)) faults.push(`timing column at ${i}`);
      }
      if (at(8, n - 8) !== 1) faults.push('dark module');
      // The two copies of the format bits agree, and say the level and mask.
      const first = [0, 1, 2, 3, 4, 5, 7, 8].map((y) => at(8, y)).concat([7, 5, 4, 3, 2, 1, 0].map((x) => at(x, 8)));
      const second = Array.from({ length: 8 }, (_, i) => at(n - 1 - i, 8)).concat(Array.from({ length: 7 }, (_, i) => at(8, n - 7 + i)));
      const bits = formatBits(ecl, q.mask);
      if (first.join('') !== second.join('')) faults.push('format copies differ');
      if (first.join('') !== Array.from({ length: 15 }, (_, i) => (bits >>> i) & 1).join('')) faults.push('format bits');
      expect(faults, `${ecl}${v}`).toEqual([]);
    }
  }
});
