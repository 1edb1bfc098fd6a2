// Accessibility: axe-core (from npm) finds no violations on the demo page
// and inside the widget, empty and with a photo, in English and Spanish.
import { test, expect } from '@playwright/test';
import { createRequire } from 'node:module';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
// axe is injected as an inline script, which our own strict CSP forbids.
test.use({ bypassCSP: true });

async function audit(page) {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' >>> ')).join(', ')}`);
  });
}

for (const lang of ['en', 'es']) {
  test(`no axe violations, ${lang}, before and after a photo`, async ({ page }) => {
    await page.goto('/');
    await page.evaluate(async (lang) => {
      const el = document.querySelector('hairline-visualizer');
      document.documentElement.lang = lang;
      el.setAttribute('lang', lang);
      await (await import('/hv/test-hook.js')).testHook(el).ready();
    }, lang);
    expect(await audit(page)).toEqual([]);
    await page.evaluate(async () => {
      const el = document.querySelector('hairline-visualizer');
      await el.loadImage('/__photos/front-receding-dark-01.jpg');
      el.setDesign({ ...el.getDesign(), height_mm: 60 }); // shows a guardrail warning too
      el.shadowRoot.querySelector('.hv-toggle:last-child').click(); // compare on
    });
    await page.waitForTimeout(200);
    expect(await audit(page)).toEqual([]);
  });
}
