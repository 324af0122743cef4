import type { DriverKind } from '../drivers/protocol/index.js';
import type { LogSeverity } from '../drivers/protocol/wire.js';
import { excerpt } from '../drivers/runtime/event-log.js';

/** Maximum text length of one VM log line, in characters; longer text is cut, with a note of its full length. */
export const MAX_LINE_TEXT_CHARS = 4096;

/** Driver kinds whose object ids are VM ids: their lines belong in a VM's log. */
const VM_KINDS: ReadonlySet<DriverKind> = new Set(['vmm', 'transfer']);

/** Returns whether a driver line with this kind and object id is about a VM. */
export function isAboutVm(kind: DriverKind, objectId: number): boolean {
  return VM_KINDS.has(kind) && Number.isSafeInteger(objectId) && objectId >= 0;
}

/**
 * Formats one VM log line: `TIME [SEVERITY] [SOURCE] text`, with the time in ISO 8601
 * UTC and the source such as `vmm/qemu`. A line break in the text starts a
 * continuation line indented by two spaces, so every line that begins at the first
 * column is a line the core wrote.
 */
export function formatVmLogLine(time: Date, severity: LogSeverity, source: string, text: string): string {
  const body = excerpt(text, MAX_LINE_TEXT_CHARS).replace(/\r?\n|\r/g, '\n  ');
  return `${time.toISOString()} [${severity}] [${source}] ${body}\n`;
}
