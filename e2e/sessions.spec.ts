/**
 * The Sessions view end to end: a multi-turn session driven with the official SDK (sending
 * Claude Code's session header) through the real headless server, against a fake upstream
 * that reports prompt-cache reads and writes by Anthropic's rules (test/fake-cache.ts).
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { Page } from '@playwright/test';
import type { FakeUpstream } from '../test/fake-upstream.js';
import { expect, MODEL, openTab, saveScreenshot, test } from './support/fixtures.js';

const SESSION = 'e2e-sessions-0001';
/** Long enough to be cached (the fake counts a token per four characters). */
const SYSTEM = `You are a careful assistant for the project in /srv/app.\n - Primary working directory: /srv/app\n${'Follow the house style guide closely. '.repeat(60)}`;
const TOOLS: Anthropic.Tool[] = [
  { name: 'list_files', description: 'Lists the files of a directory.', input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
];
const cached = (text: string): Anthropic.TextBlockParam => ({ type: 'text', text, cache_control: { type: 'ephemeral' } });

async function turn(sdk: Anthropic, system: string, messages: Anthropic.MessageParam[]): Promise<Anthropic.Message> {
  const stream = sdk.messages.stream(
    { model: MODEL, max_tokens: 256, system: [cached(system)], tools: TOOLS, messages },
    { headers: { 'x-claude-code-session-id': SESSION } },
  );
  return stream.finalMessage();
}

/** Claude Code's way: earlier prompts re-sent as they were, the breakpoint on the newest block. */
async function driveSession(sdk: Anthropic, fake: FakeUpstream): Promise<void> {
  fake.enqueue(
    { kind: 'stream', stream: 'tool_use', text: ['Let me look.'], tool: { name: 'list_files', input: { path: 'src' } } },
    { kind: 'stream', stream: 'thinking', thinking: ['Two files, ', 'both TypeScript.'], text: ['There are two files: index.ts and util.ts.'] },
    { kind: 'stream', stream: 'text', text: ['You are welcome.'] },
  );
  const first: Anthropic.MessageParam[] = [{ role: 'user', content: [cached('What is in src?')] }];
  const a1 = await turn(sdk, SYSTEM, first);
  const call = a1.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
  const second: Anthropic.MessageParam[] = [
    { role: 'user', content: 'What is in src?' },
    { role: 'assistant', content: a1.content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'index.ts\nutil.ts', cache_control: { type: 'ephemeral' } }] },
  ];
  const a2 = await turn(sdk, SYSTEM, second);
  // The system prompt changes: nothing before the conversation can come from the cache any more.
  const third: Anthropic.MessageParam[] = [
    ...second.slice(0, 2),
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'index.ts\nutil.ts' }] },
    { role: 'assistant', content: a2.content },
    { role: 'user', content: [cached('Thanks!')] },
  ];
  await turn(sdk, SYSTEM.replace('/srv/app', '/srv/app (branch main)'), third);
}

const turnCard = (page: Page, label: string) => page.getByRole('article', { name: label, exact: true });

test.use({ fakeOptions: { promptCache: { minTokens: 256 } } });

test('a session driven with the SDK opens in Sessions with each turn\'s delta, its cache miss and its link to History', async ({ page, server, sdk, fake }) => {
  await driveSession(sdk, fake);
  // The cache really behaved: turn 2 read what turn 1 wrote, turn 3 lost it.
  const usage = fake.responses.map((r) => /"cache_read_input_tokens":(\d+)/.exec(r.bytes.toString('utf8'))?.[1]);
  expect(usage.map(Number)).toEqual([0, expect.any(Number), 0]);
  expect(Number(usage[1])).toBeGreaterThan(0);

  await page.goto(server.dashboardUrl);
  // With a session stored, the dashboard opens on Sessions.
  await expect(page.getByRole('tab', { name: 'Sessions', exact: true })).toHaveAttribute('aria-selected', 'true');
  const row = page.getByTestId('session-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('What is in src?');
  await expect(row).toContainText('3 turns');
  await expect(row).toContainText(MODEL);
  await expect(row).toContainText('/srv/app');
  await row.click();

  const detail = page.getByTestId('session-detail');
  await expect(detail.getByTestId('session-turn')).toHaveCount(3);
  const t1 = turnCard(page, 'Turn 1');
  await expect(t1.getByRole('region', { name: 'user message 1' })).toContainText('What is in src?');
  await expect(t1.getByTestId('turn-answer')).toContainText('list_files');
  const t2 = turnCard(page, 'Turn 2');
  // Only what is new: the tool result and the answer, not the re-sent prompt or tool call.
  await expect(t2.getByRole('region', { name: 'user message 3' })).toContainText('index.ts');
  await expect(t2.getByRole('region', { name: 'user message 1' })).toHaveCount(0);
  await expect(t2.getByRole('region', { name: 'assistant message 2' })).toHaveCount(0);
  await expect(t2.getByTestId('turn-answer')).toContainText('There are two files');
  await expect(t2.getByTestId('turn-answer').getByText('Thinking')).toBeVisible();
  await expect(t2).toContainText('First byte');
  await expect(t2.getByTestId('cache-miss')).toHaveCount(0);
  await expect(detail.getByTestId('session-chart')).toBeVisible();

  const t3 = turnCard(page, 'Turn 3');
  await expect(t3).toContainText('system changed');
  const flag = t3.getByTestId('cache-miss');
  await expect(flag).toBeVisible();
  await flag.click();
  const diff = t3.getByTestId('prefix-diff');
  await expect(diff.getByRole('region', { name: 'System prompt' }).locator('ins')).toHaveText(' (branch main)');
  // Tall enough for the three turns and the diff in one picture (the README shows it).
  await page.setViewportSize({ width: 1280, height: 1400 });
  // Clicking the flag scrolled the timeline to it; the picture starts at turn 1.
  await page.getByRole('feed', { name: 'Turns' }).evaluate((el) => el.scrollTo(0, 0));
  await saveScreenshot(page, 'sessions');
  await page.setViewportSize({ width: 1280, height: 800 });

  // A new turn shows up while the session is open.
  fake.enqueue({ kind: 'message', text: 'Bye.' });
  await sdk.messages.create(
    { model: MODEL, max_tokens: 32, system: [cached(SYSTEM)], tools: TOOLS, messages: [{ role: 'user', content: 'Anything else?' }] },
    { headers: { 'x-claude-code-session-id': SESSION } },
  );
  await expect(detail.getByTestId('session-turn')).toHaveCount(4);

  await t2.getByRole('button', { name: 'Open in History' }).click();
  await expect(page.getByRole('tab', { name: 'History', exact: true })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('status', { name: 'Session filter' })).toContainText(`h:${SESSION}`);
  await expect(page.getByTestId('history-row')).toHaveCount(4);
  await expect(page.getByTestId('history-row').and(page.locator('[aria-selected="true"]'))).toHaveCount(1);
  await expect(page.getByTestId('history-detail')).toBeVisible();
  await saveScreenshot(page, 'history-session');
  await page.getByRole('button', { name: 'Clear session filter' }).click();
  await expect(page.getByRole('status', { name: 'Session filter' })).toHaveCount(0);

  await openTab(page, 'Sessions');
  await expect(turnCard(page, 'Turn 4')).toBeVisible();
});
