import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DaemonLog } from '../../core/log/events.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import type { Dispatcher } from './dispatcher.js';

export interface HttpLimits {
  maxBodyBytes: number;
  maxConnections: number;
  maxConcurrentCalls: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export const RPC_PATH = '/RPC2';

/**
 * The HTTP layer of the XML-RPC API. It owns the limits that protect the daemon
 * before a body is parsed: size, time to send it, open connections and calls in
 * progress. Everything it refuses gets a plain-text HTTP error that says why.
 */
export class RpcHttpServer {
  private readonly server: http.Server;
  private readonly calls: ConcurrencyLimit;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly limits: HttpLimits,
    private readonly log: DaemonLog,
  ) {
    this.calls = new ConcurrencyLimit(limits.maxConcurrentCalls);
    this.server = http.createServer((request, response) => {
      this.serve(request, response).catch((error: unknown) => {
        this.log.internalError({ client: request.socket.remoteAddress ?? '-' }, error);
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });

    this.server.maxConnections = limits.maxConnections;
    this.server.requestTimeout = limits.requestTimeoutMs;
    this.server.headersTimeout = Math.min(limits.requestTimeoutMs, 60_000);
    this.server.keepAliveTimeout = limits.keepAliveTimeoutMs;
    this.server.on('clientError', (error, socket) => {
      const client = (socket as import('node:net').Socket).remoteAddress ?? '-';
      this.log.rpcRejected({ reqId: '-', client, reason: error.message });
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  /** Starts listening and resolves with the port, which is useful when `port` is 0. */
  listen(address: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, address, () => {
        this.server.off('error', onError);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops accepting connections, closes idle ones and waits for calls in progress. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private async serve(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const client = request.socket.remoteAddress ?? '-';

    if (request.method !== 'POST') {
      return this.refuse(response, client, 405, `XML-RPC calls use POST ${RPC_PATH}`, { Allow: 'POST' });
    }
    if ((request.url ?? '').split('?')[0] !== RPC_PATH) {
      return this.refuse(response, client, 404, `no endpoint at ${request.url}; XML-RPC calls go to ${RPC_PATH}`);
    }

    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > this.limits.maxBodyBytes) {
      return this.refuse(response, client, 413, this.tooLarge(declared));
    }

    const body = await this.readBody(request);
    if (body === undefined) {
      return this.refuse(response, client, 413, this.tooLarge(this.limits.maxBodyBytes + 1));
    }

    const xml = await this.calls.run(() => this.dispatcher.handle(body, client));
    response.writeHead(200, {
      'Content-Type': 'text/xml; charset=utf-8',
      'Content-Length': Buffer.byteLength(xml),
    });
    response.end(xml);
  }

  /** Reads the whole body, or returns undefined once it grows past the limit. */
  private readBody(request: http.IncomingMessage): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;

      request.on('data', (chunk: Buffer) => {
        if (tooLarge) return;
        size += chunk.length;
        if (size > this.limits.maxBodyBytes) {
          tooLarge = true;
          chunks.length = 0;
          resolve(undefined);
          return;
        }
        chunks.push(chunk);
      });
      request.on('end', () => {
        if (!tooLarge) resolve(Buffer.concat(chunks).toString('utf8'));
      });
      request.on('error', reject);
    });
  }

  private tooLarge(size: number): string {
    return (
      `request body of ${size} bytes exceeds the limit of ${this.limits.maxBodyBytes} bytes ` +
      '(RPC/MAX_BODY_BYTES in stratusd.conf)'
    );
  }

  private refuse(
    response: http.ServerResponse,
    client: string,
    status: number,
    message: string,
    headers: Record<string, string> = {},
  ): void {
    this.log.rpcRejected({ reqId: '-', client, reason: message, status });
    response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close', ...headers });
    response.end(`${message}\n`);
  }
}
