import type { DependencyContainer } from 'tsyringe';
import { Tokens } from '../tokens.js';
import { Monitor } from './monitor.js';

/** Creates the monitor of a starting daemon from its container and starts its timers. Call it after the plugins started. */
export function startMonitor(container: DependencyContainer): Monitor {
  const services = container.resolve(Tokens.CoreServices);
  const monitor = new Monitor({ services, vmLog: container.resolve(Tokens.VmLog) }, services.settings.monitor);
  monitor.start();
  return monitor;
}
