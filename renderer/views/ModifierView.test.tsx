import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import '../test/dom.js';
import { ApiProvider } from '../api/context.js';
import { ApiError } from '../api/errors.js';
import { createFakeApi, type FakeApi } from '../test/fixtures.js';
import { ModifierView } from './ModifierView.js';

function renderModifier(api: FakeApi) {
  return render(
    <ApiProvider api={api}>
      <ModifierView />
    </ApiProvider>,
  );
}

describe('ModifierView', () => {
  it('loads the saved text and previews it with the proxy modifier', async () => {
    renderModifier(createFakeApi({ settings: { modifierText: ' Answer in French.' } }));
    const text = (await screen.findByLabelText('Appended text')) as HTMLTextAreaElement;
    expect(text.value).toBe(' Answer in French.');
    const preview = screen.getByTestId('modifier-preview');
    expect(preview.querySelector('ins')?.textContent).toBe(' Answer in French.');
    expect(preview.textContent).toContain('Summarise the attached log in three bullet points. Answer in French.');
  });

  it('updates the preview as you type, and for block content', async () => {
    renderModifier(createFakeApi({ settings: { modifierText: '' } }));
    const text = await screen.findByLabelText('Appended text');
    expect(screen.getByTestId('modifier-preview').textContent).toContain('Nothing is appended');
    fireEvent.change(text, { target: { value: ' Reply in haiku.' } });
    expect(screen.getByTestId('modifier-preview').querySelector('ins')?.textContent).toBe(' Reply in haiku.');
    fireEvent.click(screen.getByRole('button', { name: 'Content blocks' }));
    // A new block, shown after a blank line, leaves the original blocks alone.
    expect(screen.getByTestId('modifier-preview').querySelector('ins')?.textContent).toBe('\n\n Reply in haiku.');
    fireEvent.click(screen.getByLabelText('Enabled'));
    expect(screen.getByTestId('modifier-preview').querySelector('ins')).toBeNull();
    expect(screen.getByTestId('modifier-preview').textContent).toContain('forwarded unchanged');
  });

  it('saves with clear feedback', async () => {
    const api = createFakeApi({ settings: { modifierText: '' } });
    renderModifier(api);
    const save = await screen.findByRole('button', { name: 'Save' });
    expect((save as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Appended text'), { target: { value: ' Be brief.' } });
    expect(screen.getByRole('status').textContent).toBe('Unsaved changes');
    fireEvent.click(save);
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Saved'));
    expect(api.updateSettings).toHaveBeenCalledWith({ modifierText: ' Be brief.', modifierEnabled: true });
    expect(api.settings.modifierText).toBe(' Be brief.');
    fireEvent.change(screen.getByLabelText('Appended text'), { target: { value: ' Be briefer.' } });
    expect(screen.getByRole('status').textContent).toBe('Unsaved changes');
  });

  it('reports a failed save inline and keeps the edit', async () => {
    const api = createFakeApi();
    api.updateSettings = async () => {
      throw new ApiError('INVALID_SETTINGS', 'modifierText: longer than 100000 characters', 400);
    };
    renderModifier(api);
    fireEvent.change(await screen.findByLabelText('Appended text'), { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toContain('longer than 100000 characters');
    expect((screen.getByLabelText('Appended text') as HTMLTextAreaElement).value).toBe('x');
  });

  it('says when a flag fixes the modifier for this run', async () => {
    renderModifier(createFakeApi({ settings: { overridden: ['modifierText'] } }));
    expect(await screen.findByText(/set by --append/)).toBeTruthy();
  });
});
