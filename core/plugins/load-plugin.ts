import type { DriverHandle, DriverRuntimeSettings } from '../drivers/runtime/driver-handle.js';
import { routeDriverLog, type DriverLogSink } from '../drivers/runtime/driver-log-sink.js';
import { DriverStartError } from '../drivers/runtime/driver-start-error.js';
import { excerpt, type EventLog } from '../drivers/runtime/event-log.js';
import { createDriver } from './create-driver.js';
import { inspectPlugin, runStep, type PluginCandidate, type StepListener } from './inspect-plugin.js';
import { isExecutableEntry, type PluginManifest } from './manifest.js';
import { PluginRejection } from './plugin-rejection.js';
import { probeActions } from './probe-actions.js';

/** A plugin whose driver completed INIT and is ready for calls. */
export interface LoadedPlugin {
  dir: string;
  manifest: PluginManifest;
  /** The protocol version agreed at INIT. */
  version: number;
  driver: DriverHandle;
}

export interface PluginLoadOptions {
  runtime: DriverRuntimeSettings;
  log: EventLog;
  /** Receives what the driver logs about objects, once it is loaded. */
  sink: DriverLogSink;
  /**
   * Sends each claimed action's example request after INIT and rejects the plugin
   * when one gets no valid reply. The driver acts on those requests (see probeActions).
   */
  probeActions: boolean;
  /** Deadline for each example request's reply, in milliseconds. */
  probeTimeoutMs: number;
  /** Called after each step with its outcome. */
  onStep?: StepListener;
}

async function startDriver(candidate: PluginCandidate, driver: DriverHandle, onStep: StepListener | undefined): Promise<void> {
  const handshake = isExecutableEntry(candidate.manifest.entry) ? 'INIT' : 'init()';
  try {
    await runStep('start', onStep, () => driver.start(), () => `${handshake} ${candidate.version} succeeded`);
  } catch (error) {
    if (error instanceof DriverStartError) throw new PluginRejection(error.code, candidate.dir, error.message);
    throw error;
  }
}

async function probe(candidate: PluginCandidate, driver: DriverHandle, options: PluginLoadOptions): Promise<void> {
  const { kind, actions } = candidate.manifest;
  const probes = await probeActions(kind, driver, actions, options.probeTimeoutMs);
  for (const result of probes) {
    options.onStep?.({ name: `action ${result.action}`, ok: result.ok, detail: result.outcome });
  }

  const failed = probes.find((result) => !result.ok);
  if (failed?.code !== undefined) {
    throw new PluginRejection(failed.code, candidate.dir, `plugin.json claims ${failed.action}, and the driver's answer to its example request failed: ${failed.outcome}`);
  }
}

/**
 * Loads one plugin folder: checks it, starts its driver (spawn and INIT, or import
 * and `init()`), and optionally probes every claimed action. Resolves with the
 * running driver, or rejects with a PluginRejection after stopping whatever it
 * started.
 */
export async function loadPlugin(dir: string, options: PluginLoadOptions): Promise<LoadedPlugin> {
  const candidate = await inspectPlugin(dir, options.onStep);
  const { kind, name } = candidate.manifest;

  let probing = false;
  const route = routeDriverLog(options.sink, options.log, kind, name);
  const driver = createDriver(candidate, options.runtime, options.log, (severity, objectId, text) => {
    if (!probing) return route(severity, objectId, text);
    options.log.info('driver.probe_log', { kind, driver: name, severity, objectId, text: excerpt(text, 1000) });
  });

  try {
    await startDriver(candidate, driver, options.onStep);
    if (options.probeActions) {
      probing = true;
      await probe(candidate, driver, options);
      probing = false;
    }
  } catch (error) {
    await driver.stop();
    throw error;
  }
  return { dir: candidate.dir, manifest: candidate.manifest, version: candidate.version, driver };
}
