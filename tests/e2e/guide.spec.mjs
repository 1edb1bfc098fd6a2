// The live embed guide applies every option to its widget, and the
// attributes are reflected as properties.
import { test, expect } from '@playwright/test';

test('the embed guide drives the widget and shows the snippet', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto('/embed-guide.html');
  const widget = page.locator('#demo');
  await expect(widget.locator('.hv-title')).toHaveText('Hairline preview');
  await page.selectOption('select[name="lang"]', 'es');
  await expect(widget.locator('.hv-title')).toHaveText('Vista previa de la línea del cabello');
  await page.fill('input[name="clinic-name"]', 'Clínica <b>Sol</b>');
  await expect(widget.locator('.hv-clinic')).toHaveText('Clínica <b>Sol</b>');
  await page.fill('input[name="cta-label"]', 'Pida cita');
  await expect(widget.locator('.hv-cta')).toHaveText('Pida cita');
  await page.locator('input[name="accent"]').evaluate((el) => { el.value = '#aa2255'; el.dispatchEvent(new Event('input', { bubbles: true })); });
  await expect.poll(() => widget.locator('.hv-cta').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(170, 34, 85)');
  await page.locator('input[name="--hv-radius"]').fill('0');
  await expect.poll(() => widget.locator('.hv').evaluate((el) => getComputedStyle(el).borderTopLeftRadius)).toBe('0px');
  await expect(page.locator('#snippet')).toContainText('lang="es"');
  await expect(page.locator('#snippet')).toContainText('accent="#aa2255"');
  await expect(page.locator('#snippet')).toContainText('--hv-radius: 0px');
  // Options take effect when a photo comes in.
  await page.selectOption('select[name="default-style"]', 'defined');
  await page.selectOption('select[name="auto-place"]', 'off');
  const d = await widget.evaluate(async (el) => {
    await el.loadImage('/__photos/front-shaved-dark-01.jpg');
    return el.getDesign();
  });
  expect(d.style).toBe('defined');
  await expect(page.locator('#events')).toContainText('image-load');
  expect(errors).toEqual([]);
});

test('attributes are reflected as properties; bad values are ignored with a warning', async ({ page }) => {
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  await page.goto('/');
  const r = await page.evaluate(async () => {
    const el = document.querySelector('hairline-visualizer');
    el.clinicName = 'Reflected Clinic';
    el.ctaHref = 'javascript:alert(1)';
    el.accent = 'not-a-colour';
    el.defaultStyle = 'mohawk';
    el.maxMegapixels = 500;
    el.autoPlacement = 'sometimes';
    return {
      attr: el.getAttribute('clinic-name'), text: el.shadowRoot.querySelector('.hv-clinic').textContent,
      prop: el.clinicName, href: (await import('/hv/test-hook.js')).testHook(el).ctaHref(), accent: el.style.getPropertyValue('--hv-accent'),
    };
  });
  expect(r).toEqual({ attr: 'Reflected Clinic', text: 'Reflected Clinic', prop: 'Reflected Clinic', href: null, accent: '' });
  for (const pattern of [/cta-href/, /accent/, /max-megapixels/, /auto-place/]) {
    expect(warnings.some((w) => pattern.test(w)), `a warning about ${pattern}`).toBe(true);
  }
});
