// The image's HEALTHCHECK: asks the proxy's /health with Node itself, so the image needs no
// curl or wget. Exit 0 = healthy, 1 = unhealthy (Docker's contract).
const port = process.env.ADDENDUM_PORT || '8000';
try {
  const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(4000) });
  const body = await res.json();
  process.exit(res.ok && body.status === 'ok' ? 0 : 1);
} catch {
  process.exit(1);
}
