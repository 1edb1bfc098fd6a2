// Smoke test: the page loads, has a title and logs no console errors.
import { test, expect } from '@playwright/test';
import { watchErrors } from './helpers.mjs';

test('index page loads without console errors', async ({ page }) => {
  const errors = watchErrors(page);

  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await page.waitForLoadState('load');

  const title = await page.title();
  expect(title.trim()).not.toBe('');
  expect(errors).toEqual([]);
});
