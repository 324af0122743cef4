import type { DependencyContainer } from 'tsyringe';
import { Tokens } from '../tokens.js';
import { DatastoreMonitor } from './datastore-monitor.js';
import { failInterruptedRegistrations } from './interrupted-registrations.js';

/** The image work of a running daemon that `stop` ends. */
export interface ImageWork {
  /**
   * Cancels the next capacity refresh at once, then waits for the refresh, the
   * registrations and the file deletions in progress. Never rejects. The daemon stops
   * the drivers meanwhile, which ends the driver calls they wait for.
   */
  stop(): Promise<void>;
}

/**
 * Prepares the image side of a starting daemon, after the plugins have started and
 * before the API serves calls: images left LOCKED by a stopped daemon move to ERROR,
 * and the datastore capacity refresh starts. A failure is logged and the daemon
 * starts anyway.
 */
export async function startImageWork(container: DependencyContainer): Promise<ImageWork> {
  const services = container.resolve(Tokens.CoreServices);
  const registration = container.resolve(Tokens.CoreApi).images.registration;

  try {
    await failInterruptedRegistrations(services.store, services.log, services.now());
  } catch (error) {
    services.log.internalError({ step: 'image.fail_interrupted_registrations' }, error);
  }

  const monitor = new DatastoreMonitor(services);
  monitor.start();

  return {
    async stop(): Promise<void> {
      await Promise.all([monitor.stop(), registration.settled()]);
    },
  };
}
