import type { DriverHandle, DriverRuntimeSettings } from '../../../../core/drivers/runtime/driver-handle.js';
import { routeDriverLog } from '../../../../core/drivers/runtime/driver-log-sink.js';
import { createDriver } from '../../../../core/plugins/create-driver.js';
import { inspectPlugin } from '../../../../core/plugins/inspect-plugin.js';
import { RecordingLog, RecordingSink, testRuntime } from './plugin-fixtures.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface DriverUnderTest {
  driver: DriverHandle;
  log: RecordingLog;
  sink: RecordingSink;
}

/** Builds the driver of a plugin folder, not yet started, and stops it when the test ends. */
export async function driverFor(t: Teardown, dir: string, runtime: Partial<DriverRuntimeSettings> = {}): Promise<DriverUnderTest> {
  const log = new RecordingLog();
  const sink = new RecordingSink();
  const candidate = await inspectPlugin(dir);
  const onLog = routeDriverLog(sink, log, candidate.manifest.kind, candidate.manifest.name);
  const driver = createDriver(candidate, testRuntime(runtime), log, onLog);
  t.teardown(() => driver.stop());
  return { driver, log, sink };
}

/** Builds the driver as driverFor does, and starts it. */
export async function startedDriver(t: Teardown, dir: string, runtime: Partial<DriverRuntimeSettings> = {}): Promise<DriverUnderTest> {
  const started = await driverFor(t, dir, runtime);
  await started.driver.start();
  return started;
}

/** Returns the DriverError or DriverStartError a promise rejects with, and throws when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code: string; detail?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code: string; detail?: string };
  }
  throw new Error('expected a rejection, but the promise resolved');
}
