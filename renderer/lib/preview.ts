import { applyModifier } from '../../proxy/modifier/modifier.js';
import { textDiff, type DiffPart } from './diff.js';
import { contentAsText } from './diff.js';

export type SampleKind = 'string' | 'blocks';

/** Two shapes a client may send: Claude Code and most SDK calls use blocks, simple
 * scripts a plain string. The modifier treats them differently, so both can be previewed. */
export function sampleRequest(kind: SampleKind) {
  const last =
    kind === 'string'
      ? { role: 'user', content: 'Summarise the attached log in three bullet points.' }
      : {
          role: 'user',
          content: [
            { type: 'text', text: 'Here is the failing test output:', cache_control: { type: 'ephemeral' } },
            { type: 'text', text: 'Summarise it in three bullet points.' },
          ],
        };
  return {
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    system: 'You are a helpful assistant.',
    messages: [
      { role: 'user', content: 'Hi! I have a question about a log file.' },
      { role: 'assistant', content: 'Sure, paste it and tell me what you need.' },
      last,
    ],
  };
}

export interface Preview {
  modified: boolean;
  messageIndex: number;
  parts: DiffPart[];
  /** The last user message as forwarded, pretty-printed. */
  forwardedJson: string;
}

/** Runs the proxy's own modifier on the sample, exactly as a request would see it. */
export function previewModifier(kind: SampleKind, text: string, enabled: boolean): Preview {
  const sample = sampleRequest(kind);
  const result = applyModifier(sample, enabled ? text : '');
  const index = sample.messages.length - 1;
  const before = sample.messages[index]!;
  const after = result.body.messages[index]!;
  return {
    modified: result.modified,
    messageIndex: index,
    parts: textDiff(contentAsText(before.content), contentAsText(after.content)),
    forwardedJson: JSON.stringify(after, null, 2),
  };
}
