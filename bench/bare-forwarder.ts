/**
 * The reference: the least a forwarding proxy can do with node:http. The request is
 * piped upstream over a keep-alive agent and the response piped back, with no parsing,
 * no modifier, no history. Addendum's numbers are read as ratios against this one.
 *
 * Run as a forked child: `node dist/bench/bare-forwarder.js <upstream url>`.
 */
import http from 'node:http';
import { isMain, listenLoopback, serveChild, type Served } from './child.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

export async function startBareForwarder(upstreamUrl: string, port = 0): Promise<Served> {
  const upstream = new URL(upstreamUrl);
  const agent = new http.Agent({ keepAlive: true, scheduling: 'lifo', maxFreeSockets: 256 });
  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const headers = withoutHopByHop(req.headers);
    headers.host = upstream.host;
    const up = http.request(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, withoutHopByHop(upRes.headers));
        upRes.pipe(res);
      },
    );
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    // A client that leaves cancels the upstream request, as Addendum does.
    res.once('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    req.pipe(up);
  });
  return listenLoopback(server, port, () => agent.destroy());
}

if (isMain(import.meta.url)) serveChild(() => startBareForwarder(process.argv[2]!));
