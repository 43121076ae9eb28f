/**
 * Flags and environment variables are the values a run starts with: a change made in the
 * dashboard applies at once and is saved, and the page says where the value came from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { askStreaming, expect, openTab, test } from './support/fixtures.js';

test.use({ serverEnv: { ADDENDUM_APPEND: ' Reply in haiku.' } });

test('text set by ADDENDUM_APPEND, edited and saved in the dashboard, is what the next request carries', async ({
  dashboard,
  server,
  fake,
  sdk,
}) => {
  await askStreaming(sdk, 'Describe the sea.');
  expect(fake.last().json.messages[0].content).toBe('Describe the sea. Reply in haiku.');

  await openTab(dashboard, 'Modifier');
  await expect(dashboard.getByText(/ADDENDUM_APPEND/)).toBeVisible();
  const text = dashboard.getByLabel('Appended text');
  await expect(text).toHaveValue(' Reply in haiku.');
  await text.fill(' Reply in limericks.');
  await dashboard.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dashboard.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  // The value now comes from the dashboard, so the page no longer names the variable.
  await expect(dashboard.getByText(/ADDENDUM_APPEND/)).toHaveCount(0);

  await askStreaming(sdk, 'Describe the sky.');
  expect(fake.last().json.messages[0].content).toBe('Describe the sky. Reply in limericks.');
  const file = JSON.parse(readFileSync(join(server.dataDir, 'settings.json'), 'utf8'));
  expect(file).toMatchObject({ modifierText: ' Reply in limericks.' });
});
