import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import '../test/dom.js';
import { ApiProvider } from '../api/context.js';
import { createFakeApi, SECRET_KEY, type FakeApi } from '../test/fixtures.js';
import { SettingsView } from './SettingsView.js';

function renderSettings(api: FakeApi) {
  return render(
    <ApiProvider api={api}>
      <SettingsView />
    </ApiProvider>,
  );
}

describe('SettingsView', () => {
  it('saves a key without ever rendering it', async () => {
    const api = createFakeApi();
    const { container } = renderSettings(api);
    const state = await screen.findByTestId('api-key-state');
    expect(state.textContent).toBe('Not set');
    const input = screen.getByLabelText('API key') as HTMLInputElement;
    expect(input.type).toBe('password');
    fireEvent.change(input, { target: { value: SECRET_KEY } });
    fireEvent.click(screen.getByRole('button', { name: 'Save key' }));
    await waitFor(() => expect(state.textContent).toBe('Set (…wxyz)'));
    expect(api.keysReceived).toEqual([SECRET_KEY]);
    expect(input.value).toBe('');
    expect(container.innerHTML).not.toContain(SECRET_KEY);
    expect(container.innerHTML).not.toContain('SECRETSECRET');

    fireEvent.click(screen.getByRole('button', { name: 'Clear key' }));
    await waitFor(() => expect(state.textContent).toBe('Not set'));
    expect(api.updateSettings).toHaveBeenLastCalledWith({ apiKey: null });
    expect((screen.getByRole('button', { name: 'Clear key' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('refuses an invalid port inline without calling the server', async () => {
    const api = createFakeApi();
    renderSettings(api);
    const port = await screen.findByLabelText('Port');
    fireEvent.change(port, { target: { value: '70000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('0 to 65535');
    expect(port.getAttribute('aria-invalid')).toBe('true');
    expect(port.getAttribute('aria-describedby')).toContain(alert.id);
    expect(api.updateSettings).not.toHaveBeenCalled();
  });

  it('saves only the fields that changed', async () => {
    const api = createFakeApi();
    renderSettings(api);
    fireEvent.change(await screen.findByLabelText('Port'), { target: { value: '9001' } });
    fireEvent.change(screen.getByLabelText('Max age (days)'), { target: { value: '7' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Saved'));
    expect(api.updateSettings).toHaveBeenCalledWith({ port: 9001, retention: { maxAgeDays: 7 } });
    expect(api.settings.port).toBe(9001);
  });

  it('edits the size cap in the retention group', async () => {
    const api = createFakeApi({ settings: { retention: { maxRows: 10_000, maxAgeDays: 30, maxDbMb: 1024 } } });
    renderSettings(api);
    const field = (await screen.findByLabelText('Max size (MiB)')) as HTMLInputElement;
    expect(field.value).toBe('1024');
    fireEvent.change(field, { target: { value: '0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect((await screen.findByRole('alert')).textContent).toContain('whole number of MiB');
    expect(api.updateSettings).not.toHaveBeenCalled();
    fireEvent.change(field, { target: { value: '300' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Saved'));
    expect(api.updateSettings).toHaveBeenCalledWith({ retention: { maxDbMb: 300 } });
    expect(api.settings.retention.maxDbMb).toBe(300);
  });

  it('shows server-side validation errors', async () => {
    const api = createFakeApi();
    api.updateSettings = async () => {
      throw new Error('upstreamUrl: host not allowed');
    };
    renderSettings(api);
    fireEvent.change(await screen.findByLabelText('Upstream URL'), { target: { value: 'https://example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect((await screen.findByRole('alert')).textContent).toContain('host not allowed');
  });

  it('marks values fixed by flags or environment', async () => {
    renderSettings(createFakeApi({ settings: { overridden: ['upstreamUrl', 'port'] } }));
    expect(await screen.findByText(/set by --upstream or ANTHROPIC_API_URL/)).toBeTruthy();
    expect(screen.getByText(/set by --port or ADDENDUM_PORT/)).toBeTruthy();
  });

  it('clears history only after confirmation', async () => {
    const api = createFakeApi();
    renderSettings(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Clear history…' }));
    expect(api.clearHistory).not.toHaveBeenCalled();
    const section = screen.getByRole('heading', { name: 'History data' }).closest('section')!;
    fireEvent.click(within(section).getByRole('button', { name: 'Yes, clear all history' }));
    await waitFor(() => expect(api.clearHistory).toHaveBeenCalledTimes(1));
    expect(await within(section).findByText('Deleted 0 exchanges.')).toBeTruthy();
  });
});
