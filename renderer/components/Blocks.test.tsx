import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import '../test/dom.js';
import { ResponseMessage } from './Blocks.js';

const message = JSON.stringify({ type: 'message', model: 'claude-sonnet-4-5-20250929', stop_reason: 'end_turn', content: [{ type: 'text', text: 'Paris.' }] });
const error = JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });

describe('ResponseMessage', () => {
  it('shows the answer under its role with the stop reason, the assembled stream first', () => {
    render(<ResponseMessage assembled={message} responseBody="event: message_start" role="answer" empty="none" testId="answer" />);
    const answer = screen.getByTestId('answer');
    expect(answer.querySelector('.message-role')!.textContent).toBe('answer · stop: end_turn');
    expect(answer.querySelector('.message-body')!.textContent).toBe('Paris.');
  });

  it("shows the API's error as a callout, without a role header", () => {
    const { container } = render(<ResponseMessage assembled={null} responseBody={error} role="assistant" empty="none" testId="answer" />);
    expect(container.querySelector('.callout.error')!.textContent).toBe('overloaded_error Overloaded');
    expect(screen.queryByTestId('answer')).toBeNull();
  });

  it('says what stands in when nothing parses as a message', () => {
    render(<ResponseMessage assembled={null} responseBody="not json" role="assistant" empty="The response is not a message; see Raw." />);
    expect(screen.getByText('The response is not a message; see Raw.')).toBeTruthy();
  });
});
