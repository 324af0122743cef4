export { FaultCode, XmlRpcParseError } from './errors.js';
export { parseMethodCall } from './parse-call.js';
export { I8, serializeFault, serializeMethodResponse, serializeMethodResponseParts, serializeValue } from './serialize.js';
export type { ResponseValue } from './serialize.js';
export { DEFAULT_PARSE_LIMITS } from './values.js';
export type { MethodCall, ParseLimits, XmlRpcValue } from './values.js';
