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
