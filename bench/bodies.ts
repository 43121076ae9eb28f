/**
 * Request and response payloads shaped like the ones Claude Code exchanges with the
 * Messages API: a long system prompt with cache breakpoints, a dozen tools with JSON
 * schemas, and a conversation of tool calls whose results are source files. Seeded, so
 * every run forwards the same bytes.
 */

/** mulberry32: tiny, fast, good enough to vary words. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the a to of and in is for that this with file function return const when user tool call ' +
  'should must never always project test build error value type string number object array ' +
  'import export module class interface async await promise stream request response header ' +
  'body message content text model token cache proxy upstream history search index query ' +
  'update delete create read write edit path line column change commit branch review'
).split(' ');

/** Real prompts carry some non-ASCII (dashes, arrows, check marks): V8 then stores two-byte strings. */
const UNICODE = ['—', '→', '✓', '…', 'é', '“quoted”'];

export function prose(next: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    let w = WORDS[Math.floor(next() * WORDS.length)]!;
    if (next() < 0.004) w = UNICODE[Math.floor(next() * UNICODE.length)]!;
    out.push(w);
    if (next() < 0.08) out.push(next() < 0.5 ? '.' : ',');
    if (next() < 0.01) out.push('\n\n');
  }
  return out.join(' ');
}

export function sourceFile(next: () => number, lines: number): string {
  const out: string[] = [];
  for (let i = 1; i <= lines; i++) {
    const indent = '  '.repeat(Math.floor(next() * 4));
    const a = WORDS[Math.floor(next() * WORDS.length)]!;
    const b = WORDS[Math.floor(next() * WORDS.length)]!;
    const shapes = [
      `${indent}const ${a}${i} = await ${b}(${a}, "${b}");`,
      `${indent}if (${a} !== undefined && ${b}.length > ${i}) return ${a};`,
      `${indent}// ${prose(next, 8)}`,
      `${indent}export function ${a}_${b}(${a}: string): number {`,
      `${indent}}`,
    ];
    out.push(`${String(i).padStart(6)}\t${shapes[Math.floor(next() * shapes.length)]}`);
  }
  return out.join('\n');
}

const TOOL_NAMES = [
  'Task', 'Bash', 'Glob', 'Grep', 'LS', 'ExitPlanMode', 'Read', 'Edit', 'MultiEdit', 'Write',
  'NotebookEdit', 'WebFetch', 'TodoWrite', 'WebSearch', 'BashOutput', 'KillShell',
];

function tools(next: () => number): unknown[] {
  return TOOL_NAMES.map((name) => ({
    name,
    description: prose(next, 180 + Math.floor(next() * 200)),
    input_schema: {
      type: 'object',
      properties: {
        command: { type: 'string', description: prose(next, 20) },
        path: { type: 'string', description: prose(next, 12) },
        timeout: { type: 'number', description: prose(next, 10) },
        options: { type: 'array', items: { type: 'string' }, description: prose(next, 10) },
      },
      required: ['command'],
      additionalProperties: false,
      $schema: 'http://json-schema.org/draft-07/schema#',
    },
  }));
}

let toolIds = 0;
function toolId(next: () => number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = 'toolu_01';
  for (let i = 0; i < 22; i++) s += alphabet[Math.floor(next() * alphabet.length)];
  return s + (toolIds++ % 10);
}

export const BENCH_MODEL = 'claude-sonnet-4-5-20250929';

/** A Claude-Code-like request body of about `targetBytes` bytes of JSON. */
export function claudeCodeBody(targetBytes: number, seed: number, stream: boolean): Buffer {
  const next = rng(seed);
  const body = {
    model: BENCH_MODEL,
    max_tokens: 32000,
    stream,
    metadata: { user_id: `user_${seed.toString(16).padStart(64, '0')}_account__session_bench` },
    system: [
      { type: 'text', text: 'You are Claude Code, an interactive CLI tool.', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: prose(next, 2500), cache_control: { type: 'ephemeral' } },
    ],
    tools: tools(next),
    messages: [] as Array<{ role: string; content: unknown }>,
  };
  const messages = body.messages;
  messages.push({ role: 'user', content: [{ type: 'text', text: prose(next, 60) }] });
  const size = (): number => Buffer.byteLength(JSON.stringify(body));
  // A conversation grows by (assistant tool_use, user tool_result) pairs until big enough.
  while (size() < targetBytes - 600) {
    const id = toolId(next);
    messages.push({
      role: 'assistant',
      content: [
        { type: 'text', text: prose(next, 25) },
        { type: 'tool_use', id, name: 'Read', input: { file_path: `/home/dev/project/src/${WORDS[Math.floor(next() * WORDS.length)]}.ts` } },
      ],
    });
    messages.push({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: id, content: sourceFile(next, 40 + Math.floor(next() * 80)) }],
    });
  }
  messages.push({ role: 'assistant', content: [{ type: 'text', text: prose(next, 40) }] });
  messages.push({ role: 'user', content: [{ type: 'text', text: prose(next, 30), cache_control: { type: 'ephemeral' } }] });
  return Buffer.from(JSON.stringify(body));
}

/** The body mix the benchmark cycles through: 50 to 150 KB. */
export function bodyMix(stream: boolean): Buffer[] {
  return [50, 75, 100, 125, 150].map((kb, i) => claudeCodeBody(kb * 1024, 1000 + i, stream));
}

/** A one-line prompt, for measuring what a stream costs apart from its request body. */
export function smallBody(stream: boolean): Buffer {
  return Buffer.from(
    JSON.stringify({ model: BENCH_MODEL, max_tokens: 1024, stream, messages: [{ role: 'user', content: 'Write a haiku about proxies.' }] }),
  );
}

/** A non-streaming Message reply of a few paragraphs, as the API returns it. */
export function messageReply(): Buffer {
  const next = rng(7);
  return Buffer.from(
    JSON.stringify({
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      type: 'message',
      role: 'assistant',
      model: BENCH_MODEL,
      content: [{ type: 'text', text: prose(next, 220) }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 31245,
        cache_creation_input_tokens: 1200,
        cache_read_input_tokens: 28000,
        cache_creation: { ephemeral_5m_input_tokens: 1200, ephemeral_1h_input_tokens: 0 },
        output_tokens: 312,
        service_tier: 'standard',
      },
    }),
  );
}

/** Words for streamed text deltas. */
export function deltaWords(): string[] {
  const next = rng(11);
  return Array.from({ length: 64 }, () => prose(next, 3 + Math.floor(next() * 5)));
}

/** Headers a client like Claude Code sends, credentials included (the proxy passes them through). */
export function clientHeaders(): Record<string, string> {
  return {
    accept: 'application/json',
    'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
    'anthropic-dangerous-direct-browser-access': 'true',
    'anthropic-version': '2023-06-01',
    'content-type': 'application/json',
    'user-agent': 'claude-cli/2.0.14 (external, cli)',
    'x-api-key': 'sk-ant-api03-bench-key-not-a-real-one-0000000000000000000000',
    'x-app': 'cli',
    'x-stainless-arch': 'x64',
    'x-stainless-helper-method': 'stream',
    'x-stainless-lang': 'js',
    'x-stainless-os': 'Linux',
    'x-stainless-package-version': '0.60.0',
    'x-stainless-retry-count': '0',
    'x-stainless-runtime': 'node',
    'x-stainless-runtime-version': 'v20.19.0',
    'x-stainless-timeout': '600',
  };
}
