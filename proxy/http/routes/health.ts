import type Router from '@koa/router';
import { effectiveModifierText } from '../../config.js';
import { requestConfig, type ProxyRuntime } from '../runtime.js';

/** Answered locally, never upstream: `/health` for people and scripts, and `HEAD /`, which
 * Claude Code probes at start and must never reach upstream with the user's key. */
export function registerHealthRoutes(router: Router, rt: ProxyRuntime): void {
  router.all('/', (ctx) => {
    ctx.set('cache-control', 'no-store');
    ctx.body = { name: 'addendum', status: 'ok', docs: 'Point ANTHROPIC_BASE_URL here; see /health.' };
  });
  router.get('/health', (ctx) => {
    const config = requestConfig(rt, ctx);
    ctx.set('cache-control', 'no-store');
    ctx.body = {
      status: 'ok',
      name: 'addendum',
      version: rt.version,
      upstream: config.upstreamUrl,
      uptimeSeconds: Math.round((Date.now() - rt.startedAt) / 1000),
      modifier: effectiveModifierText(config) ? 'on' : 'off',
      apiKey: config.apiKey ? 'configured' : 'client credentials pass through',
      inflight: rt.inflight.size,
    };
  });
}
