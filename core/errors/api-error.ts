/**
 * OpenNebula's API error classes. The numbers travel as the third element of a failed
 * response array, so clients depend on them exactly.
 */
export enum ErrorCode {
  AUTHENTICATION = 0x0100,
  AUTHORIZATION = 0x0200,
  NO_EXISTS = 0x0400,
  ACTION = 0x0800,
  XML_RPC_API = 0x1000,
  INTERNAL = 0x2000,
  ALLOCATE = 0x4000,
  LOCKED = 0x8000,
}

/**
 * An error that the API returns as `[false, "[method] message", code, respId, -1]`.
 * `respId` is the id of the object that caused the error, or -1.
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly respId: number;

  constructor(code: ErrorCode, message: string, respId = -1, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiError';
    this.code = code;
    this.respId = respId;
  }
}

/**
 * A malformed call: a missing parameter, a wrongly typed one, or an unknown method.
 * The server answers it with an XML-RPC fault instead of a response array, as
 * OpenNebula's xmlrpc-c server does.
 */
export class RpcFault extends Error {
  readonly faultCode: number;

  constructor(faultCode: number, message: string) {
    super(message);
    this.name = 'RpcFault';
    this.faultCode = faultCode;
  }
}

/** xmlrpc-c fault codes that OpenNebula's clients see. */
export const FaultCode = {
  /** A parameter is missing or has the wrong type. */
  TYPE_ERROR: -501,
  /** The body is not a well-formed XML-RPC call, or it exceeds a limit. */
  PARSE_ERROR: -503,
  /** No method of that name. */
  NO_SUCH_METHOD: -506,
  /** The request could not be handled now (for example, too many in progress). */
  LIMIT_EXCEEDED: -509,
} as const;
