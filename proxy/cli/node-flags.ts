/**
 * Node flags the headless server runs with: `npm run serve` and the container's command
 * pass them (node-flags.test.ts holds both to this list), and the bench starts Addendum
 * with them, as a user runs it.
 *
 * A young generation of 2 MB per semi-space, where V8 grows it to 16: under many concurrent
 * streams, every live stream's objects survive scavenges, so V8 grows the young generation
 * to its maximum and keeps it. With 200 concurrent Claude-Code-sized streams, peak RSS went
 * from about 190 to 158 MB, for about 5% more main-thread CPU per request at c=16 (issue 9's
 * note; `node dist/bench/memory.js` prints this trade for each size).
 *
 * V8 reads this only at start (v8.setFlagsFromString is too late), so it cannot be set
 * from code; the desktop app's Electron main process, which the OS starts, runs without it.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];
