// A TCP proxy on loopback that a test can cut and restore, to make a real service "go away"
// mid-request without stopping the service itself (other tests share it).
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number;
  /** Drops every open connection and refuses new ones until {@link restore}. */
  cut(): void;
  /**
   * Stops forwarding on every open connection, without closing it (a network that drops their
   * packets, or a server gone from under them after a failover); new connections go through.
   */
  freeze(): void;
  /**
   * Lets the next request that contains `marker` reach the service, and drops its connection as
   * the answer comes back, the answer unsent: a write that was done, its reply lost.
   */
  loseReplyTo(marker: string): void;
  restore(): void;
  close(): Promise<void>;
}

/** Starts a proxy to `host:port`. */
export async function startTcpProxy(host: string, port: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  /** Stops forwarding on the connection it belongs to (see `freeze`). */
  const freezers = new Set<() => void>();
  let down = false;
  let loseMarker: string | undefined;
  const server: Server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connect(port, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    let losing = false;
    let frozen = false;
    const freeze = () => {
      frozen = true;
      client.pause();
      upstream.pause();
    };
    freezers.add(freeze);
    client.on('close', () => freezers.delete(freeze));
    client.on('data', (chunk: Buffer) => {
      if (frozen) return;
      if (loseMarker !== undefined && chunk.includes(loseMarker)) {
        loseMarker = undefined;
        losing = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (frozen) return;
      if (!losing) {
        client.write(chunk);
        return;
      }
      client.destroy();
      upstream.destroy();
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    freeze() {
      for (const freeze of freezers) freeze();
      freezers.clear();
    },
    restore() {
      down = false;
    },
    loseReplyTo(marker) {
      loseMarker = marker;
    },
    close() {
      down = true;
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A local TCP server that accepts connections and never writes a byte: a service that hangs. */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A local port nothing listens on (it was free a moment ago): a service that is down. */
export async function closedPort(): Promise<number> {
  const { port, close } = await silentServer();
  await close();
  return port;
}
