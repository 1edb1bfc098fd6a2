// Untrusted text and unusual files: markup in cta-label or in design fields
// never becomes markup, and a CMYK JPEG (what print workflows export) loads.
import { test, expect } from '@playwright/test';

const EVIL = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

test('markup in cta-label and in design fields stays text', async ({ page }) => {
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await page.goto('/__tests/attributes.html');
  const r = await page.evaluate(async (evil) => {
    const el = document.querySelector('hairline-visualizer');
    el.setAttribute('auto-place', 'off');
    el.setAttribute('cta-label', evil);
    await el.loadImage('/__photos/front-shaved-dark-01.jpg');
    const errors = [];
    for (const patch of [{ shade: evil }, { style: evil }, { look: evil }, { zones: [{ mode: evil, radius_mm: 5, points: [[0, 0]] }] }]) {
      try {
        el.setDesign({ ...el.getDesign(), ...patch });
        errors.push(null);
      } catch (e) {
        errors.push(e.message);
      }
    }
    // A design file with markup in it, through "Load design".
    const input = el.shadowRoot.querySelector('input[type=file][accept^="application/json"]');
    const dt = new DataTransfer();
    dt.items.add(new File([JSON.stringify({ ...el.getDesign(), shade: evil })], 'evil.json', { type: 'application/json' }));
    input.files = dt.files;
    input.dispatchEvent(new Event('change'));
    await new Promise((res) => el.addEventListener("error", res, { once: true }));
    const root = el.shadowRoot;
    return {
      cta: root.querySelector('.hv-cta').textContent,
      ctaChildren: root.querySelector('.hv-cta').children.length,
      message: root.querySelector('.hv-message').textContent,
      injected: root.querySelectorAll('img, script, iframe').length + document.querySelectorAll('img[src="x"]').length,
      pwned: window.__pwned ?? null,
      errors,
    };
  }, EVIL);
  expect(r.cta).toBe(EVIL);
  expect(r.ctaChildren).toBe(0);
  expect(r.errors.every((e) => typeof e === 'string' && e.length > 0)).toBe(true);
  expect(r.errors[0]).toMatch(/shade/);
  expect(r.message).toContain('<img'); // the rejected value is quoted as text
  expect(r.injected).toBe(0);
  expect(r.pwned).toBeNull();
  expect(dialogs).toEqual([]);
});

test('a CMYK JPEG loads and renders', async ({ page }) => {
  await page.goto('/');
  const r = await page.evaluate(async () => {
    const el = document.querySelector('hairline-visualizer');
    el.setAttribute('auto-place', 'off');
    const rendered = new Promise((res) => el.addEventListener('render', (e) => res(e.detail), { once: true }));
    const size = await el.loadImage('/__tests/cmyk.jpg');
    const render = await rendered;
    const bmp = await createImageBitmap(await el.toBlob());
    return { size, render, exported: [bmp.width, bmp.height], message: el.shadowRoot.querySelector('.hv-message').hidden };
  });
  expect(r.size).toEqual({ width: 320, height: 240 });
  expect(r.render.width).toBeGreaterThan(0);
  expect(r.exported).toEqual([320, 240]);
  expect(r.message).toBe(true);
});
