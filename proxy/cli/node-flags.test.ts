import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from './node-flags.js';

const root = new URL('../../', import.meta.url);
const read = (file: string): string => readFileSync(new URL(file, root), 'utf8');

describe('the headless server is started with its node flags', () => {
  it('by npm run serve', () => {
    const serve = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.serve!;
    expect(serve).toContain(`node ${SERVER_NODE_FLAGS.join(' ')} dist/proxy/cli/main.js`);
  });

  it("by the container's command", () => {
    const cmd = read('Dockerfile').split('\n').find((line) => line.startsWith('CMD '))!;
    expect(JSON.parse(cmd.slice(4))).toEqual(['node', ...SERVER_NODE_FLAGS, 'dist/proxy/cli/main.js']);
  });

  it('with flags node accepts', () => {
    // NODE_OPTIONS takes only flags node knows; a misspelt V8 flag would be ignored silently on the command line.
    for (const flag of SERVER_NODE_FLAGS) expect(process.allowedNodeEnvironmentFlags.has(flag.split('=')[0]!)).toBe(true);
  });
});
