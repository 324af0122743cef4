import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { DaemonLog } from '../../core/log/events.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import type { Dispatcher } from './dispatcher.js';
import { clientErrorResponse, sendAndDestroy, type PlainResponse } from './http-errors.js';
import { byteLengthOf, writeParts } from './write-parts.js';

export interface HttpLimits {
  maxBodyBytes: number;
  maxConnections: number;
  maxConcurrentCalls: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export const RPC_PATH = '/RPC2';

/** The daemon could not listen on the configured address and port. */
export class ListenError extends Error {
  constructor(address: string, port: number, cause: NodeJS.ErrnoException) {
    const reason = cause.code === 'EADDRINUSE' ? 'the port is already in use' : cause.message;
    super(`cannot listen on ${address} port ${port}: ${reason}; set LISTEN_ADDRESS and PORT or --listen and --port`, {
      cause,
    });
    this.name = 'ListenError';
  }
}

/** The outcome of reading a request body. */
type BodyResult = { kind: 'complete'; body: Buffer } | { kind: 'too-large' } | { kind: 'aborted' };

/**
 * A body over MAX_BODY_BYTES but at most this many times as large is read to its
 * end and discarded before the 413 is sent. A client that writes its whole body
 * before it reads (most do) then gets the 413 instead of a reset connection. A
 * larger body gets the 413 at once, and the connection is closed.
 */
const DRAIN_FACTOR = 2;

/** Minimum time between two log lines about connections dropped at the limit, in milliseconds. */
const DROP_LOG_INTERVAL_MS = 10_000;

/**
 * Node checks request timeouts on a timer with this period, in milliseconds (its own
 * default is 30 s). A slow sender is cut off between the timeout and the timeout plus
 * this period.
 */
function timeoutCheckPeriod(requestTimeoutMs: number): number {
  return Math.max(50, Math.min(1000, Math.floor(requestTimeoutMs / 4)));
}

/**
 * The HTTP layer of the XML-RPC API. It owns the limits that protect the daemon
 * before a body is parsed: size, time to send it, open connections and calls in
 * progress. A request it rejects gets a plain-text HTTP error with the reason. A
 * connection past the connection limit is closed at once without a response, and
 * the log records it.
 */
export class RpcHttpServer {
  private readonly server: http.Server;
  private readonly calls: ConcurrencyLimit;
  private droppedSinceLog = 0;
  private lastDropLog = 0;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly limits: HttpLimits,
    private readonly log: DaemonLog,
  ) {
    this.calls = new ConcurrencyLimit(limits.maxConcurrentCalls);
    const options = { connectionsCheckingInterval: timeoutCheckPeriod(limits.requestTimeoutMs) };
    this.server = http.createServer(options, (request, response) => {
      this.serve(request, response).catch((error: unknown) => {
        this.log.internalError({ client: request.socket.remoteAddress ?? '-' }, error);
        if (!response.headersSent) {
          response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
        }
        response.end('internal error while handling the request; the daemon log has the details\n');
      });
    });

    this.server.maxConnections = limits.maxConnections;
    this.server.requestTimeout = limits.requestTimeoutMs;
    this.server.headersTimeout = Math.min(limits.requestTimeoutMs, 60_000);
    this.server.keepAliveTimeout = limits.keepAliveTimeoutMs;
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => this.rejectClient(error, socket));
    this.server.on('drop', (data?: { remoteAddress?: string }) => this.logDrop(data?.remoteAddress ?? '-'));
  }

  /** Starts listening and resolves with the port, which is useful when `port` is 0. */
  listen(address: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => reject(new ListenError(address, port, error));
      this.server.once('error', onError);
      this.server.listen(port, address, () => {
        this.server.off('error', onError);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /**
   * Stops accepting connections and waits for calls in progress. Idle keep-alive
   * connections are closed at once, and the others as soon as their response is sent.
   */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private async serve(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const client = request.socket.remoteAddress ?? '-';

    if ((request.url ?? '').split('?')[0] !== RPC_PATH) {
      return this.reject(response, client, {
        status: 404,
        message: `no endpoint at ${request.url}; XML-RPC calls go to POST ${RPC_PATH}`,
      });
    }
    if (request.method !== 'POST') {
      return this.reject(response, client, {
        status: 405,
        message: `method ${request.method} is not allowed; XML-RPC calls use POST ${RPC_PATH}`,
        headers: { Allow: 'POST' },
      });
    }

    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > this.limits.maxBodyBytes * DRAIN_FACTOR) {
      return this.reject(response, client, { status: 413, message: this.tooLarge(`of ${declared} bytes`) });
    }

    const result = await this.readBody(request);
    if (result.kind === 'aborted') return;
    if (result.kind === 'too-large') {
      const size = declared > 0 ? `of ${declared} bytes` : '';
      return this.reject(response, client, { status: 413, message: this.tooLarge(size) });
    }

    const parts = await this.calls.run(() => this.dispatcher.respond(result.body, client));
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': 'text/xml; charset=utf-8',
      'Content-Length': byteLengthOf(parts),
    };
    // While the server is closing, keep-alive connections end after their current response.
    if (!this.server.listening) headers.Connection = 'close';
    response.writeHead(200, headers);
    await writeParts(response, parts);
  }

  /**
   * Reads the whole body. Past the limit it stops collecting and discards the rest,
   * and past DRAIN_FACTOR times the limit it stops waiting for the end.
   */
  private readBody(request: http.IncomingMessage): Promise<BodyResult> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;

      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.limits.maxBodyBytes * DRAIN_FACTOR) resolve({ kind: 'too-large' });
        if (size > this.limits.maxBodyBytes) {
          tooLarge = true;
          chunks.length = 0;
          return;
        }
        chunks.push(chunk);
      });
      request.on('end', () => {
        resolve(tooLarge ? { kind: 'too-large' } : { kind: 'complete', body: Buffer.concat(chunks) });
      });
      // The client closed the connection, or the request timed out and rejectClient sent the 408.
      request.on('error', () => resolve({ kind: 'aborted' }));
      request.on('close', () => {
        if (!request.complete) resolve({ kind: 'aborted' });
      });
    });
  }

  private tooLarge(size: string): string {
    const body = size === '' ? 'request body' : `request body ${size}`;
    return `${body} exceeds the limit of ${this.limits.maxBodyBytes} bytes (RPC/MAX_BODY_BYTES in stratusd.conf)`;
  }

  private reject(response: http.ServerResponse, client: string, reply: PlainResponse): void {
    this.log.rpcRejected({ reqId: '-', client, reason: reply.message, status: reply.status });
    response.writeHead(reply.status, {
      'Content-Type': 'text/plain; charset=utf-8',
      Connection: 'close',
      ...reply.headers,
    });
    response.end(`${reply.message}\n`);
  }

  /** Sends the error response to a request that Node's HTTP parser rejected or that timed out, then destroys the connection. */
  private rejectClient(error: NodeJS.ErrnoException, socket: Socket): void {
    const client = socket.remoteAddress ?? '-';
    const reply = clientErrorResponse(error, this.limits.requestTimeoutMs);
    // After ECONNRESET and similar errors the client has closed the connection, so no response is sent.
    if (reply === undefined) {
      socket.destroy();
      return;
    }

    this.log.rpcRejected({ reqId: '-', client, reason: reply.message, status: reply.status });
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    sendAndDestroy(socket, reply);
  }

  /** Logs connections closed at the connection limit, at most once every 10 s with a count. */
  private logDrop(client: string): void {
    this.droppedSinceLog += 1;
    const now = Date.now();
    if (now - this.lastDropLog < DROP_LOG_INTERVAL_MS) return;

    this.log.rpcRejected({
      reqId: '-',
      client,
      reason:
        `connection closed: ${this.limits.maxConnections} connections are open, the limit ` +
        `(RPC/MAX_CONNECTIONS in stratusd.conf); ${this.droppedSinceLog} closed since the last report`,
    });
    this.droppedSinceLog = 0;
    this.lastDropLog = now;
  }
}
