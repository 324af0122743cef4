import type { LogFields } from '../../log/logger.js';

/**
 * The part of the daemon log that drivers and plugins write to. The daemon passes
 * its DaemonLog; tests pass a recorder.
 */
export interface EventLog {
  info(event: string, fields: LogFields): void;
  warn(event: string, fields: LogFields): void;
  internalError(fields: LogFields, error: unknown): void;
}

export type { LogFields };

/** Cuts a line a driver wrote to a length that fits in a log field. */
export function excerpt(text: string, maxChars = 200): string {
  return text.length > maxChars ? `${text.slice(0, maxChars)}... (${text.length} characters)` : text;
}
