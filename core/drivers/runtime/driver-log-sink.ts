import type { DriverLogListener } from './driver-handle.js';
import { excerpt, type EventLog } from './event-log.js';
import type { DriverKind, LogSeverity } from './protocol-types.js';

/**
 * The destination of log lines about one object. The core writes them into that
 * object's own log (a VM's log, for instance), which is how driver errors reach the user.
 */
export interface DriverLogSink {
  driverLog(kind: DriverKind, driverName: string, objectId: number, severity: LogSeverity, text: string): void;
}

/** A sink that drops every line, for a daemon or a tool that keeps no object logs. */
export const NO_OBJECT_LOGS: DriverLogSink = { driverLog: () => undefined };

/**
 * Builds the listener for one driver's LOG lines: lines about an object (id 0 or
 * more) go to the sink, lines with object id -1 go to the daemon log.
 */
export function routeDriverLog(sink: DriverLogSink, log: EventLog, kind: DriverKind, driverName: string): DriverLogListener {
  return (severity, objectId, text) => {
    if (objectId >= 0) {
      sink.driverLog(kind, driverName, objectId, severity, text);
      return;
    }
    log.info('driver.log', { kind, driver: driverName, severity, text: excerpt(text, 1000) });
  };
}
