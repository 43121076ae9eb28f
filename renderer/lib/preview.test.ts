import { describe, expect, it } from 'vitest';
import { previewModifier, sampleRequest } from './preview.js';

describe('previewModifier', () => {
  it('appends to string content exactly as typed', () => {
    const p = previewModifier('string', ' Reply in French.', true);
    expect(p.modified).toBe(true);
    expect(p.parts.at(-1)).toEqual({ kind: 'added', text: ' Reply in French.' });
    expect(JSON.parse(p.forwardedJson)).toEqual({ role: 'user', content: 'Summarise the attached log in three bullet points. Reply in French.' });
  });

  it('adds a trailing block to array content, keeping cache_control on the old ones', () => {
    const p = previewModifier('blocks', 'Be brief.', true);
    const forwarded = JSON.parse(p.forwardedJson) as { content: Array<Record<string, unknown>> };
    expect(forwarded.content).toHaveLength(3);
    expect(forwarded.content[0]).toEqual(sampleRequest('blocks').messages[2]!.content[0]);
    expect(forwarded.content[2]).toEqual({ type: 'text', text: 'Be brief.' });
  });

  it('changes nothing when disabled or empty', () => {
    expect(previewModifier('string', 'x', false).modified).toBe(false);
    expect(previewModifier('blocks', '', true).modified).toBe(false);
    expect(previewModifier('string', 'x', false).parts.every((p) => p.kind === 'same')).toBe(true);
  });
});
