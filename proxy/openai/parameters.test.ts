import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PARAMETERS } from './request.js';

describe('PARAMETERS table', () => {
  it('decides on every parameter of the installed openai SDK\'s chat.completions.create', () => {
    // Read from the SDK's own source so that a parameter added upstream fails here until decided.
    const root = dirname(fileURLToPath(import.meta.resolve('openai')));
    const source = readFileSync(join(root, 'resources/chat/completions/completions.d.ts'), 'utf8');
    const body = /export interface ChatCompletionCreateParamsBase \{([\s\S]*?)\n\}/.exec(source)?.[1] ?? '';
    const sdkParams = [...body.matchAll(/^ {4}([a-z_]+)\??:/gm)].map((m) => m[1]);
    expect(sdkParams.length).toBeGreaterThan(30);
    expect(Object.keys(PARAMETERS).sort()).toEqual([...new Set(sdkParams)].sort());
  });

  it('every parameter has a row in the README (OpenAI compatibility)', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const table = doc.slice(doc.indexOf('### Request parameters'), doc.indexOf('### Messages'));
    const rows = table.split('\n').filter((l) => l.startsWith('| `'));
    for (const [param, policy] of Object.entries(PARAMETERS)) {
      const row = rows.find((r) => r.split('|')[1]!.includes(`\`${param}\``));
      expect(row, param).toBeDefined();
      expect(row!.split('|')[2]!.trim(), param).toBe(policy);
    }
  });
});
