/**
 * A TCP proxy the tests can cut and restore: what a PostgreSQL restart looks like to the server (every
 * open connection dropped, new ones refused for a while) without touching the shared local cluster.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** The loopback port it listens on. */
  port: number;
  /** Drops every open connection and refuses new ones until restore(). */
  cut(): void;
  /** Forwards new connections again. */
  restore(): void;
  /** Connections accepted and forwarded so far. */
  readonly forwarded: number;
  close(): Promise<void>;
}

/** Listens on a free loopback port and forwards each connection to `target`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let down = false;
  let forwarded = 0;
  const server: Server = createServer((client) => {
    if (down) {
      // Like a server that is not there: the client sees its connection closed at once.
      client.destroy();
      return;
    }
    forwarded++;
    const upstream = connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    get forwarded() {
      return forwarded;
    },
    cut() {
      down = true;
      for (const s of open) s.destroy();
      open.clear();
    },
    restore() {
      down = false;
    },
    close() {
      for (const s of open) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
