// Turns a decoded ImageBitmap into RGBA pixels off the main thread, so a
// 12-megapixel camera photo does not freeze the page while it is read.
// Message in: {bitmap, width, height}; out: {pixels: ArrayBuffer} or {error}.
self.onmessage = (e) => {
  const { bitmap, width, height } = e.data;
  try {
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    const { data } = ctx.getImageData(0, 0, width, height);
    self.postMessage({ pixels: data.buffer }, [data.buffer]);
  } catch (err) {
    self.postMessage({ error: String(err && err.message || err) });
  }
};
