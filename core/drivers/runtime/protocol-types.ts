/** The protocol names the runtime uses, gathered so that runtime files import one place. */
export { DRIVER_FAMILIES, DRIVER_KINDS, PROTOCOL_VERSIONS, checkMessage, findAction } from '../protocol/index.js';
export type { ActionName, ActionSpec, DriverKind, FieldSet, ReplyOf, RequestOf } from '../protocol/index.js';
export type { LogSeverity } from '../protocol/wire.js';
