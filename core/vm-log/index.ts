/** Per-VM logs and last errors: what the daemon and the API import. */
export { VmLog, type VmLogOptions } from './vm-log.js';
export { VmErrorSink } from './vm-error-sink.js';
export { recordVmError } from './record-vm-error.js';
export { formatVmLogLine, isAboutVm, MAX_LINE_TEXT_CHARS } from './vm-log-line.js';
