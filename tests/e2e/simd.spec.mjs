// The simd128 build and the scalar build render identical pixels, and the
// element picks the simd build where the browser supports it.
import { test, expect } from '@playwright/test';

test('simd128 and scalar builds give identical pixels', async ({ page }) => {
  await page.goto('/');
  const result = await page.evaluate(async () => {
    const render = async (dir) => {
      const glue = await import(`${dir}hairline_visualizer.js`);
      await glue.default({ module_or_path: new URL(`${dir}hairline_visualizer_bg.wasm`, location.href) });
      const vis = new glue.Visualizer();
      // What a present call puts into a w×h canvas, read back.
      const presented = (w, h, present) => {
        const ctx = new OffscreenCanvas(w, h).getContext('2d');
        present(ctx);
        return ctx.getImageData(0, 0, w, h).data;
      };
      // A synthetic portrait: backdrop, skin-coloured head with shading.
      const W = 640, H = 800;
      const c = new OffscreenCanvas(W, H);
      const ctx = c.getContext('2d');
      ctx.fillStyle = '#4a6f9a';
      ctx.fillRect(0, 0, W, H);
      const g = ctx.createRadialGradient(280, 260, 20, 320, 360, 300);
      g.addColorStop(0, '#e2b49a');
      g.addColorStop(1, '#9c6a50');
      ctx.fillStyle = g;
      ctx.beginPath();
      ctx.ellipse(320, 380, 200, 290, 0, 0, Math.PI * 2);
      ctx.fill();
      const data = ctx.getImageData(0, 0, W, H).data;
      vis.stagePhoto(W, H, data);
      vis.commitPhoto();
      vis.setCalibration(270, 420, 370, 424, 63, 'visitor');
      const design = JSON.parse(vis.designJson());
      // Fresh look draws halos too; a roll and zones exercise every path.
      vis.setDesign(JSON.stringify({ ...design, look: 'fresh', density: 120, dot_mm: 1.1, height_mm: 60,
        zones: [{ mode: 'add', radius_mm: 20, points: [[0, 40]] }] }));
      const stats = vis.renderFull();
      const out = presented(W, H, (ctx) => vis.presentFull(ctx));
      vis.setView(100, 50, 400, 500, 333, 417);
      vis.renderPreview();
      const preview = presented(333, 417, (ctx) => vis.presentPreview(ctx, 0, 0));
      let changed = 0;
      for (let i = 0; i < out.length; i += 4) if (out[i] !== data[i]) changed++;
      return { stats, out, preview, changed };
    };
    const scalar = await render('/pkg/');
    const simd = await render('/pkg/simd/');
    let diff = 0;
    for (let i = 0; i < scalar.out.length; i++) if (scalar.out[i] !== simd.out[i]) diff++;
    let pdiff = 0;
    for (let i = 0; i < scalar.preview.length; i++) if (scalar.preview[i] !== simd.preview[i]) pdiff++;
    const el = document.querySelector('hairline-visualizer');
    const hook = (await import('/hv/test-hook.js')).testHook(el);
    await hook.ready();
    return { diff, pdiff, dots: scalar.stats.dots, simdDots: simd.stats.dots, changed: scalar.changed, chosen: hook.simd() };
  });
  expect(result.dots).toBeGreaterThan(1000);
  expect(result.simdDots).toBe(result.dots);
  expect(result.changed).toBeGreaterThan(1000); // the render really drew something
  expect(result.diff).toBe(0);
  expect(result.pdiff).toBe(0);
  expect(result.chosen).toBe(true); // Chromium supports simd128
});
