/**
 * XML-RPC fault codes of xmlrpc-c, the library behind OpenNebula's oned
 * (include/xmlrpc-c/util.h). Its server responds to a call that it cannot parse with -503, a
 * missing parameter or one of the wrong type with -501 and an unknown method with -506.
 * OpenNebula's own error codes travel inside the response array.
 */
export const FaultCode = {
  internalError: -500,
  typeError: -501,
  indexError: -502,
  parseError: -503,
  noSuchMethod: -506,
  requestRefused: -507,
  limitExceeded: -509,
  invalidUtf8: -510,
} as const;

/**
 * Error raised for a method call body that is not a valid XML-RPC call or that exceeds a
 * parse limit. `faultCode` is the XML-RPC fault code that a server should return for it:
 * -503 for malformed input and -509 for a limit that was exceeded.
 */
export class XmlRpcParseError extends Error {
  readonly faultCode: number;

  constructor(message: string, faultCode: number = FaultCode.parseError, options?: ErrorOptions) {
    super(message, options);
    this.name = 'XmlRpcParseError';
    this.faultCode = faultCode;
  }
}

const QUOTED_TEXT_MAX_LENGTH = 40;

/**
 * Quotes client text for an error message as a JSON string, so that whitespace and control
 * characters are visible. Text longer than 40 characters is cut, and its length is appended.
 */
export function quoteForMessage(text: string): string {
  if (text.length <= QUOTED_TEXT_MAX_LENGTH) {
    return JSON.stringify(text);
  }

  const head = JSON.stringify(text.slice(0, QUOTED_TEXT_MAX_LENGTH));
  return `${head.slice(0, -1)}…" (${text.length} characters)`;
}
