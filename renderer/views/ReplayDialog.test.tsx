import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import '../test/dom.js';
import { ApiProvider } from '../api/context.js';
import { createFakeApi, makeRecord, makeSession, makeTurn, type FakeApi } from '../test/fixtures.js';
import { HistoryDetail } from './HistoryDetail.js';

const KEY = { apiKey: { set: true, last4: 'abcd' } };

async function openReplay(api: FakeApi, id = 'orig') {
  render(
    <ApiProvider api={api}>
      <HistoryDetail id={id} onDeleted={() => {}} />
    </ApiProvider>,
  );
  const detail = await screen.findByTestId('history-detail');
  fireEvent.click(within(detail).getByRole('button', { name: 'Replay…' }));
  return screen.findByTestId('replay-dialog');
}

const sendButton = (dialog: HTMLElement) => within(dialog).getByRole('button', { name: 'Send replay' }) as HTMLButtonElement;

describe('the replay dialog', () => {
  it('names the configured key, sends the stored bytes with the modifier, and shows the replay beside the original', async () => {
    const api = createFakeApi({ records: [makeRecord('orig')], settings: KEY });
    const dialog = await openReplay(api);
    const credentials = await within(dialog).findByText(/the API key configured in Addendum \(…abcd\)/);
    expect(credentials.closest('[data-testid="replay-credentials"]')!.textContent).toMatch(/costs tokens/);
    await waitFor(() => expect(sendButton(dialog).disabled).toBe(false));
    expect((within(dialog).getByRole('checkbox', { name: /Apply the modifier/ }) as HTMLInputElement).checked).toBe(true);

    fireEvent.click(sendButton(dialog));
    const compare = await screen.findByTestId('replay-compare');
    expect(api.replayExchange).toHaveBeenCalledWith({ id: 'orig', modifier: true });
    expect(screen.queryByTestId('replay-dialog')).toBeNull();
    expect(within(compare).getByTestId('replay-side-original').textContent).toContain('orig');
    expect(within(compare).getByTestId('replay-side-replay').textContent).toContain('orig-replay1');
    expect(within(compare).getByTestId('replay-side-replay').textContent).toContain('Feuilles dans la tasse');
    expect(within(compare).getByTestId('replay-same-request')).toBeDefined();
  });

  it('explains why it cannot send the client\'s own key and how to set one, and never sends', async () => {
    const api = createFakeApi({ records: [makeRecord('orig')] });
    const dialog = await openReplay(api);
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toMatch(/client's own API key \(…wxyz\).*Set an API key in Settings/);
    expect(sendButton(dialog).disabled).toBe(true);
    expect(api.replayExchange).not.toHaveBeenCalled();
  });

  it('checks the edited JSON as it is typed, formats it, and sends the edit without the modifier', async () => {
    const api = createFakeApi({ records: [makeRecord('orig')], settings: KEY });
    const dialog = await openReplay(api);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Edit JSON' }));
    const editor = (await within(dialog).findByRole('textbox', { name: 'Request body (JSON)' })) as HTMLTextAreaElement;
    expect(editor.value).toContain('\n  "max_tokens": 256');
    await waitFor(() => expect(sendButton(dialog).disabled).toBe(false));

    fireEvent.change(editor, { target: { value: '{"model":"claude-sonnet-4-5","max_tokens":8,' } });
    expect(within(dialog).getByTestId('json-check').textContent).toMatch(/^Not JSON/);
    expect(editor.getAttribute('aria-invalid')).toBe('true');
    expect(sendButton(dialog).disabled).toBe(true);

    fireEvent.change(editor, { target: { value: '{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[{"role":"user","content":"Edited"}]}' } });
    expect(within(dialog).getByTestId('json-check').textContent).toBe('Valid JSON');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Format' }));
    expect(editor.value).toBe('{\n  "model": "claude-sonnet-4-5",\n  "max_tokens": 8,\n  "messages": [\n    {\n      "role": "user",\n      "content": "Edited"\n    }\n  ]\n}');
    fireEvent.click(within(dialog).getByRole('checkbox', { name: /Apply the modifier/ }));
    fireEvent.click(sendButton(dialog));
    const compare = await screen.findByTestId('replay-compare');
    expect(api.replayExchange).toHaveBeenCalledWith({ id: 'orig', modifier: false, body: editor.value });
    expect(within(compare).getByTestId('replay-request-diff').textContent).toContain('Edited');
  });

  it('sends the stored bytes when the editor was opened but left unchanged', async () => {
    const api = createFakeApi({ records: [makeRecord('orig')], settings: KEY });
    const dialog = await openReplay(api);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Edit JSON' }));
    await within(dialog).findByRole('textbox', { name: 'Request body (JSON)' });
    await waitFor(() => expect(sendButton(dialog).disabled).toBe(false));
    fireEvent.click(sendButton(dialog));
    await screen.findByTestId('replay-compare');
    expect(api.replayExchange).toHaveBeenCalledWith({ id: 'orig', modifier: true });
  });
});

describe('the detail\'s links', () => {
  it('links a replay to its original and compares them, and links an exchange to its session and turn', async () => {
    const original = makeRecord('orig', { session: 'h:s1' });
    const replay = makeRecord('again', { replayOf: 'orig', session: 'h:s1', startedAt: original.startedAt + 1000 });
    const api = createFakeApi({ records: [original, replay] });
    api.sessions.push(makeSession('h:s1', [makeTurn('orig'), makeTurn('again')], { title: 'Write a haiku', cwd: null }));
    const opened: Array<[string, string]> = [];
    render(
      <ApiProvider api={api}>
        <HistoryDetail id="again" onDeleted={() => {}} onOpenSession={(s, e) => opened.push([s, e])} />
      </ApiProvider>,
    );
    const detail = await screen.findByTestId('history-detail');
    const link = within(detail).getByTestId('replay-of').querySelector('a')!;
    expect(link.getAttribute('href')).toBe('#/history/orig');
    const session = await within(detail).findByText('Write a haiku · turn 2 of 2');
    expect(session.getAttribute('href')).toBe('#/sessions/h%3As1/again');
    fireEvent.click(session);
    expect(opened).toEqual([['h:s1', 'again']]);

    fireEvent.click(within(detail).getByRole('tab', { name: 'Compare with original' }));
    const compare = await within(detail).findByTestId('replay-compare');
    expect(within(compare).getByTestId('replay-side-original').textContent).toContain('orig');
  });
});
