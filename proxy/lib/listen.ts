/**
 * Binding a server, for the proxy and the dashboard alike: a taken port is PORT_IN_USE with
 * one line a user can act on, and every open connection is tracked so a stop can cut what
 * is left after its grace period.
 */
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AddendumError } from './errors.js';

export class ListenError extends AddendumError<'PORT_IN_USE' | 'LISTEN_FAILED'> {}

export function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The server's open connections, kept up to date. */
export function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

/**
 * Listens on `host:port` and resolves with the bound port (port 0 picks a free one).
 * @param what names the port in the message, e.g. 'port' or 'dashboard port'.
 */
export function listen(server: Server, port: number, host: string, what: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const where = `${formatHost(host)}:${port}`;
      reject(
        err.code === 'EADDRINUSE'
          ? new ListenError('PORT_IN_USE', `${what} ${port} is already in use (${where}); stop the other program or choose another port`, { cause: err })
          : new ListenError('LISTEN_FAILED', `cannot listen on ${where}: ${err.code ?? ''} ${err.message}`.trim(), { cause: err }),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
