import http from 'node:http';
import type { Socket } from 'node:net';

/** A plain-text HTTP error response. */
export interface PlainResponse {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

/**
 * Chooses the response to a request that Node's HTTP server rejected before it reached
 * the request handler: a request that was not sent in full within the request timeout,
 * headers that are too large, or bytes that are not HTTP. Returns undefined when the
 * client has closed the connection, so that no response can be sent.
 */
export function clientErrorResponse(error: NodeJS.ErrnoException, requestTimeoutMs: number): PlainResponse | undefined {
  switch (error.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return undefined;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        message:
          `request not received in full within ${requestTimeoutMs} ms (RPC/REQUEST_TIMEOUT_MS in stratusd.conf)`,
      };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, message: 'request headers are larger than the 16 KiB that Node accepts' };
    default:
      return { status: 400, message: `malformed HTTP request: ${error.message} (${error.code ?? 'no code'})` };
  }
}

/**
 * Time a rejected client has to take the error response before its connection is
 * destroyed anyway, in milliseconds. The response is a few hundred bytes, so it
 * normally fits in the socket buffers at once.
 */
const FLUSH_TIMEOUT_MS = 1000;

/**
 * Writes a plain-text HTTP error response on a raw socket, then destroys the socket
 * once the response is flushed, or after FLUSH_TIMEOUT_MS. `socket.end()` alone
 * closes only the server's side: the HTTP server allows half-open connections, so a
 * client that never closes its side would keep counting against MAX_CONNECTIONS.
 */
export function sendAndDestroy(socket: Socket, reply: PlainResponse): void {
  const body = `${reply.message}\n`;
  const extraHeaders = Object.entries(reply.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`);
  const head =
    `HTTP/1.1 ${reply.status} ${http.STATUS_CODES[reply.status] ?? 'Error'}\r\n` +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    extraHeaders.join('') +
    'Connection: close\r\n\r\n';

  const timer = setTimeout(() => socket.destroy(), FLUSH_TIMEOUT_MS);
  socket.once('close', () => clearTimeout(timer));
  socket.end(head + body, () => socket.destroy());
}
