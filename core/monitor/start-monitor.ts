import type { DependencyContainer } from 'tsyringe';
import { Tokens } from '../tokens.js';
import { Monitor } from './monitor.js';
import { watchNewHosts } from './new-host-watch.js';

/**
 * Creates the monitor of a starting daemon from its container and starts its timers,
 * and, unless MONITOR/NEW_HOSTS is NO, monitors each new or re-enabled host at once.
 * Call it after the plugins started.
 */
export function startMonitor(container: DependencyContainer): Monitor {
  const services = container.resolve(Tokens.CoreServices);
  const monitor = new Monitor({ services, vmLog: container.resolve(Tokens.VmLog) }, services.settings.monitor);
  monitor.start();
  if (services.settings.monitor.newHosts) watchNewHosts(services.store, (hostIds) => void monitor.monitorHostsNow(hostIds));
  return monitor;
}
