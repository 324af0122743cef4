/** A call the API answered with `[false, message, code, ...]`. */
export class OneApiError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
    readonly respId: number,
  ) {
    super(message);
    this.name = 'OneApiError';
  }
}

/** The call did not reach an answer: connection refused, HTTP error, or an XML-RPC fault. */
export class RpcTransportError extends Error {
  constructor(
    readonly method: string,
    message: string,
    readonly faultCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RpcTransportError';
  }
}
