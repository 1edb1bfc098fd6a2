// Hand-made input files for the bad-input and odd-photo tests
// (input.spec.mjs): all bytes are built here or drawn in the page, so no
// binary fixtures are committed.

/** Bytes of an OffscreenCanvas image drawn in the page. `draw` is one of the named painters below. */
export async function canvasBytes(page, { width, height, type = 'image/png', quality, draw = 'face' }) {
  const b64 = await page.evaluate(async ({ width, height, type, quality, draw }) => {
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (draw === 'gray') {
      // Only grays: a dark backdrop, a lighter head with a forehead.
      ctx.fillStyle = 'rgb(40,40,40)';
      ctx.fillRect(0, 0, width, height);
      ctx.fillStyle = 'rgb(170,170,170)';
      ctx.beginPath();
      ctx.ellipse(width / 2, height * 0.55, width * 0.33, height * 0.42, 0, 0, Math.PI * 2);
      ctx.fill();
      ctx.fillStyle = 'rgb(60,60,60)';
      for (const x of [0.38, 0.62]) {
        ctx.beginPath();
        ctx.arc(width * x, height * 0.5, width * 0.03, 0, Math.PI * 2);
        ctx.fill();
      }
    } else if (draw === 'noise') {
      const img = ctx.createImageData(width, height);
      let s = 12345;
      for (let i = 0; i < img.data.length; i++) {
        s = (s * 1103515245 + 12345) >>> 0;
        img.data[i] = i % 4 === 3 ? 255 : s >>> 24;
      }
      ctx.putImageData(img, 0, 0);
    } else {
      ctx.fillStyle = '#3a4a55';
      ctx.fillRect(0, 0, width, height);
      ctx.fillStyle = '#c08a6a';
      ctx.beginPath();
      ctx.ellipse(width / 2, height * 0.55, width * 0.33, height * 0.42, 0, 0, Math.PI * 2);
      ctx.fill();
    }
    const blob = await canvas.convertToBlob(quality == null ? { type } : { type, quality });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, { width, height, type, quality, draw });
  return Buffer.from(b64, 'base64');
}

/** A PDF's first bytes. */
export const pdfBytes = () => Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n'.repeat(8), 'latin1');

/** A minimal ISO-BMFF (HEIC) header: box size, `ftypheic`, minor version, compatible brands, then a `meta` box start. */
export function heicBytes() {
  const ftyp = Buffer.alloc(24);
  ftyp.writeUInt32BE(24, 0);
  ftyp.write('ftypheic', 4, 'latin1');
  ftyp.writeUInt32BE(0, 12);
  ftyp.write('mif1heic', 16, 'latin1');
  const meta = Buffer.alloc(64);
  meta.writeUInt32BE(64, 0);
  meta.write('meta', 4, 'latin1');
  return Buffer.concat([ftyp, meta]);
}

/**
 * Insert an APP1 Exif segment with only an Orientation tag right after the
 * JPEG's SOI marker (big-endian TIFF header, one IFD entry, no next IFD).
 */
export function withExifOrientation(jpeg, orientation) {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG');
  const tiff = Buffer.from([
    0x4d, 0x4d, 0x00, 0x2a, // "MM", 42
    0x00, 0x00, 0x00, 0x08, // offset of IFD0
    0x00, 0x01, // one entry
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, orientation >> 8, orientation & 0xff, 0x00, 0x00, // Orientation SHORT 1
    0x00, 0x00, 0x00, 0x00, // no next IFD
  ]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const seg = Buffer.alloc(4);
  seg.writeUInt16BE(0xffe1, 0);
  seg.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), seg, body, jpeg.subarray(2)]);
}

/** GIF LZW image data with a fixed 3-bit code size: a clear code before every two pixels keeps the table from growing. */
function lzwTwoColour(pixels) {
  const CLEAR = 4, EOI = 5, SIZE = 3;
  const out = [];
  let acc = 0, bits = 0;
  const put = (code) => {
    acc |= code << bits;
    bits += SIZE;
    while (bits >= 8) {
      out.push(acc & 0xff);
      acc >>= 8;
      bits -= 8;
    }
  };
  for (let i = 0; i < pixels.length; i++) {
    if (i % 2 === 0) put(CLEAR);
    put(pixels[i]);
  }
  put(EOI);
  if (bits > 0) out.push(acc & 0xff);
  // Sub-blocks of at most 255 bytes, then a terminator.
  const blocks = [2]; // LZW minimum code size
  for (let i = 0; i < out.length; i += 255) {
    const chunk = out.slice(i, i + 255);
    blocks.push(chunk.length, ...chunk);
  }
  blocks.push(0);
  return blocks;
}

/** A looping two-frame GIF89a, `width`×`height`: frame 1 all colour 0 (`first`), frame 2 all colour 1 (`second`). */
export function animatedGif(width, height, first = [0xc0, 0x8a, 0x6a], second = [0x20, 0x40, 0xc0]) {
  const u16 = (v) => [v & 0xff, v >> 8];
  const bytes = [
    ...Buffer.from('GIF89a', 'latin1'), ...u16(width), ...u16(height),
    0xf0, 0, 0, // global colour table, 2 entries
    ...first, ...second,
    0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0', 'latin1'), 0x03, 0x01, 0x00, 0x00, 0x00, // loop forever
  ];
  for (const colour of [0, 1]) {
    bytes.push(0x21, 0xf9, 0x04, 0x04, ...u16(50), 0x00, 0x00); // 0.5 s, do not dispose
    bytes.push(0x2c, ...u16(0), ...u16(0), ...u16(width), ...u16(height), 0x00);
    bytes.push(...lzwTwoColour(new Uint8Array(width * height).fill(colour)));
  }
  bytes.push(0x3b);
  return Buffer.from(bytes);
}
