// The consultation path: consult-request carries no full image without
// consent; the brief is one A4 sheet; a share link reopens the design.
import { test, expect } from '@playwright/test';

test('consult-request carries the full image only with consent, and follows cta-href unless cancelled', async ({ page }) => {
  await page.goto('/');
  const r = await page.evaluate(async () => {
    const el = document.querySelector('hairline-visualizer');
    await el.loadImage('/__photos/front-receding-dark-01.jpg');
    const next = () => new Promise((res) => el.addEventListener('consult-request', (e) => {
      e.preventDefault();
      res({ design: e.detail.design, preview: e.detail.preview, full: e.detail.fullImage, consent: e.detail.consent });
    }, { once: true }));
    const cta = el.shadowRoot.querySelector('.hv-cta');
    let got = next();
    cta.click();
    const a = await got;
    el.shadowRoot.querySelector('#hv-consent').click();
    got = next();
    cta.click();
    const b = await got;
    const pb = await createImageBitmap(a.preview);
    const fb = await createImageBitmap(b.full);
    return {
      label: cta.textContent, aFull: a.full, aConsent: a.consent, aVersion: a.design.version,
      preview: [a.preview.type, pb.width, pb.height], full: [b.full.type, fb.width, fb.height], bConsent: b.consent,
      url: location.href,
    };
  });
  expect(r.label).toBe('Book a free consultation');
  expect(r.aFull).toBeNull();
  expect(r.aConsent).toBe(false);
  expect(r.aVersion).toBe(1);
  expect(r.preview).toEqual(['image/jpeg', 480, 240]);
  expect(r.full).toEqual(['image/jpeg', 450, 550]);
  expect(r.bConsent).toBe(true);
  expect(r.url).not.toContain('#book'); // cancelled: stayed put
  // Not cancelled: the browser follows cta-href.
  await page.evaluate(() => document.querySelector('hairline-visualizer').shadowRoot.querySelector('.hv-cta').click());
  await expect.poll(() => page.url()).toContain('#book');
});

test('the brief is one A4 sheet and a share link reopens the design without the photo', async ({ page, context }) => {
  await page.goto('/');
  const r = await page.evaluate(async () => {
    const el = document.querySelector('hairline-visualizer');
    await el.loadImage('/__photos/front-shaved-dark-01.jpg');
    el.setDesign({ ...el.getDesign(), style: 'soft', density: 88, height_mm: 77 });
    const brief = await el.designBrief();
    const bmp = await createImageBitmap(brief);
    return { brief: [brief.type, bmp.width, bmp.height], link: el.shareLink() };
  });
  expect(r.brief).toEqual(['image/png', 1240, 1754]);
  expect(r.link).toMatch(/#hv-design=[A-Za-z0-9_-]+$/);
  expect(r.link.length).toBeLessThan(2000);
  const other = await context.newPage();
  await other.goto(r.link);
  const d = await other.evaluate(async () => {
    const el = document.querySelector('hairline-visualizer');
    const hook = (await import('/hv/test-hook.js')).testHook(el);
    await hook.ready();
    return { design: el.getDesign(), photo: hook.photo() };
  });
  expect(d.design.style).toBe('soft');
  expect(d.design.density).toBe(88);
  expect(d.design.height_mm).toBe(77);
  expect(d.photo).toBeNull();
});
