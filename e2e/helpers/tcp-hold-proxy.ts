import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * Loopback TCP proxy that forwards bytes unchanged, so SigV4 signatures and
 * Host headers stay valid. It can hold one upload in the middle. Once a
 * connection has sent `holdAfterBytes` towards the target, the proxy stops
 * reading from it, and the client's PUT stalls with part of the body delivered.
 */
export class TcpHoldProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #holdAfterBytes: number | undefined;
  #held: Socket | undefined;
  #heldWaiters: Array<() => void> = [];
  port = 0;
  /** Connections accepted so far; a test that expects no storage traffic checks it stays put. */
  connectionCount = 0;

  constructor(targetPort: number) {
    this.#server = createServer((client) => this.#forward(client, targetPort));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
    this.port = address.port;
    return `http://127.0.0.1:${this.port}`;
  }

  /** Holds the next connection that sends more than `bytes` towards the target. */
  holdAfter(bytes: number): void {
    this.#holdAfterBytes = bytes;
  }

  /** Resolves once a connection is held. */
  waitUntilHeld(): Promise<void> {
    if (this.#held) return Promise.resolve();
    return new Promise((resolve) => this.#heldWaiters.push(resolve));
  }

  /** Forwards everything from now on; a held connection is released. */
  release(): void {
    this.#holdAfterBytes = undefined;
    this.#held?.resume();
    this.#held = undefined;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #forward(client: Socket, targetPort: number): void {
    this.connectionCount += 1;
    const upstream = connect(targetPort, '127.0.0.1');
    this.#sockets.add(client).add(upstream);
    let sent = 0;

    client.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      upstream.write(chunk);
      if (this.#holdAfterBytes !== undefined && this.#held === undefined && sent > this.#holdAfterBytes) {
        client.pause();
        this.#held = client;
        for (const waiter of this.#heldWaiters.splice(0)) waiter();
      }
    });
    upstream.pipe(client);

    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on('close', closeBoth).on('error', closeBoth);
    upstream.on('close', closeBoth).on('error', closeBoth);
    client.on('end', () => upstream.end());
  }
}
