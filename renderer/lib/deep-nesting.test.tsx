/**
 * Issue 13, item 1, on the dashboard: bodies nested 10 000 levels deep (the proxy forwards
 * and stores them) render in every view without overflowing the call stack.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import '../test/dom.js';
import { ApiProvider } from '../api/context.js';
import { Message } from '../components/Blocks.js';
import { createFakeApi, makeRecord } from '../test/fixtures.js';
import { HistoryDetail } from '../views/HistoryDetail.js';
import { MAX_BLOCK_NESTING, requestView, responseView, type Block } from './blocks.js';
import { contentAsText, jsonDiff, modifierDiff, prettyJson } from './diff.js';

const DEPTH = 10_000;
const deepObject = '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);
const deepArray = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
const nestedResults = '{"type":"tool_result","content":['.repeat(DEPTH) + '"leaf"' + ']}'.repeat(DEPTH);

function request(messages: string, extra = ''): string {
  return `{"model":"m","max_tokens":5${extra},"messages":${messages}}`;
}

const requests: Array<[string, string]> = [
  ['an unknown top-level key', request('[{"role":"user","content":"hi"}]', `,"x_unknown":${deepArray}`)],
  ['metadata', request('[{"role":"user","content":"hi"}]', `,"metadata":{"deep":${deepObject}}`)],
  ['a tool input_schema', request('[{"role":"user","content":"hi"}]', `,"tools":[{"name":"t","input_schema":${deepObject}}]`)],
  ['a tool_use input', request(`[{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"t","input":${deepObject}}]},{"role":"user","content":"hi"}]`)],
  ['tool results inside tool results', request(`[{"role":"user","content":[${nestedResults}]}]`)],
  ['an unknown block', request(`[{"role":"user","content":[{"type":"future","x":${deepArray}},{"type":"text","text":"hi"}]}]`)],
];
const appended = (body: string) => body.replace(/]}$/, ',{"role":"user","content":"and more"}]}');
const response = `{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[{"type":"tool_use","id":"toolu_1","name":"t","input":${deepObject}},{"type":"future","x":${deepArray}}],"stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":1}}`;

function depthOf(blocks: readonly Block[]): number {
  let depth = 0;
  let level = blocks;
  for (;;) {
    const inner = level.find((b): b is Extract<Block, { type: 'tool_result' }> => b.type === 'tool_result');
    if (!inner) return depth;
    depth++;
    level = inner.content;
  }
}

describe('dashboard renderers on deeply nested bodies', () => {
  for (const [where, body] of requests) {
    it(`view models and diffs handle nesting in ${where}`, () => {
      const view = requestView(body)!;
      expect(view.model).toBe('m');
      const blocks = view.messages.flatMap((m) => m.blocks);
      expect(depthOf(blocks)).toBeLessThanOrEqual(MAX_BLOCK_NESTING);
      expect(prettyJson(body).length).toBeGreaterThan(body.length);
      expect(jsonDiff(body, appended(body)).some((p) => p.kind === 'added')).toBe(true);
      expect(modifierDiff(body, body).kind).toBe('unchanged');
      for (const m of JSON.parse(body).messages) expect(typeof contentAsText(m.content)).toBe('string');
      render(
        <>
          {view.messages.map((m, i) => (
            <Message key={i} message={m} index={i} />
          ))}
        </>,
      );
      expect(screen.getAllByRole('region').length).toBe(view.messages.length);
    });
  }

  it('the response view model handles a deep tool_use input and unknown block', () => {
    const view = responseView(null, response)!;
    expect(view.blocks.map((b) => b.type)).toEqual(['tool_use', 'other']);
    const tool = view.blocks[0] as Extract<Block, { type: 'tool_use' }>;
    // Indented for the first levels, then on one line: readable and small.
    expect(tool.input.startsWith('{\n  "a": {\n    "a"')).toBe(true);
    expect(tool.input.length).toBeLessThan(3 * deepObject.length);
  });

  for (const [where, body] of requests) {
    it(`the history detail shows every tab for nesting in ${where}`, async () => {
      const record = makeRecord('deep', { originalBody: body, forwardedBody: appended(body), assembled: response, responseBody: response, stream: false });
      const api = createFakeApi({ records: [record] });
      render(
        <ApiProvider api={api}>
          <HistoryDetail id="deep" onDeleted={() => {}} />
        </ApiProvider>,
      );
      const detail = await screen.findByTestId('history-detail');
      const loadAll = async () => {
        for (const button of within(detail).queryAllByRole('button', { name: /^Load \(/ })) fireEvent.click(button);
        await waitFor(() => expect(within(detail).queryAllByRole('button', { name: /^Load \(/ })).toHaveLength(0));
      };
      for (const name of ['Request', 'Forwarded', 'Response']) {
        fireEvent.click(within(detail).getByRole('tab', { name }));
        await loadAll();
        expect(detail.textContent!.length).toBeGreaterThan(0);
      }
      fireEvent.click(within(detail).getByRole('tab', { name: 'Request' }));
      fireEvent.click(within(detail).getByRole('button', { name: 'JSON' }));
      await loadAll();
      expect(detail.querySelector('pre.code')?.textContent?.startsWith('{\n  "model": "m"')).toBe(true);
      fireEvent.click(within(detail).getByRole('tab', { name: 'Forwarded' }));
      fireEvent.click(within(detail).getByRole('button', { name: 'Whole-body diff' }));
      await loadAll();
      expect(detail.querySelector('pre.diff.code ins')?.textContent).toContain('and more');
    });
  }
});
