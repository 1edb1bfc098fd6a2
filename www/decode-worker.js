// Turns a decoded ImageBitmap into RGBA pixels off the main thread, so a
// 12-megapixel camera photo does not freeze the page while it is read.
// With `work` ([width, height]) it also scales the photo down to the
// core's working copy (what the scalp mask is grown from), which would
// otherwise be resampled from 12 MP on the main thread.
// Message in: {bitmap, width, height, work?}; out: {pixels, work?} (ArrayBuffers) or {error}.
self.onmessage = (e) => {
  const { bitmap, width, height, work } = e.data;
  try {
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    const { data } = ctx.getImageData(0, 0, width, height);
    let small = null;
    if (work) {
      const [w, h] = work;
      const wctx = new OffscreenCanvas(w, h).getContext('2d', { willReadFrequently: true });
      wctx.imageSmoothingQuality = 'high';
      wctx.drawImage(canvas, 0, 0, w, h);
      small = wctx.getImageData(0, 0, w, h).data.buffer;
    }
    const transfer = small ? [data.buffer, small] : [data.buffer];
    self.postMessage({ pixels: data.buffer, work: small }, transfer);
  } catch (err) {
    self.postMessage({ error: String(err && err.message || err) });
  }
};
