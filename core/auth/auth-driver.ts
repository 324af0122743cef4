import { DriverError } from '../drivers/runtime/driver-error.js';
import type { DriverManager } from '../drivers/runtime/driver-manager.js';
import type { EventLog } from '../drivers/runtime/event-log.js';
import type { UserRecord } from '../pools/records/user-record.js';

/** The driver manager method that authentication calls. */
export type AuthDriverCaller = Pick<DriverManager, 'call'>;

/**
 * AUTH_DRIVER values that a plugin of another name serves.
 * NOTE: `server_cipher` (the serveradmin account OpenNebula creates) is checked by the
 * `core` plugin as a password hash; no `server_cipher` plugin exists yet.
 */
const PLUGIN_FOR_AUTH_DRIVER: Readonly<Record<string, string>> = { server_cipher: 'core' };

/** Returns the name of the `auth` plugin that checks users whose AUTH_DRIVER is `authDriver`. */
export function authPluginFor(authDriver: string): string {
  return Object.hasOwn(PLUGIN_FOR_AUTH_DRIVER, authDriver) ? PLUGIN_FOR_AUTH_DRIVER[authDriver] : authDriver;
}

/** The outcome of asking an auth plugin about a secret. */
export type DriverVerdict =
  | { accepted: true }
  /** The plugin replied FAILURE: it refused the secret, for the reason in `detail`. */
  | { accepted: false; reason: 'wrong secret'; detail: string }
  /** The plugin could not reply because it is not installed, was rejected, crashed or timed out. `detail` is the DriverError code. */
  | { accepted: false; reason: 'driver unavailable'; detail: string };

/**
 * Sends AUTHENTICATE to the user's auth plugin and returns its verdict. The driver
 * manager does not log a FAILURE reply, because the caller logs the refusal with the
 * client's address. Any other failure (plugin not installed, broken, timed out) is
 * logged by the manager and here with the user id.
 */
export async function checkSecretWithDriver(drivers: AuthDriverCaller, log: EventLog, user: UserRecord, secret: string): Promise<DriverVerdict> {
  const plugin = authPluginFor(user.authDriver);
  const request = { userId: user.id, username: user.name, secret, storedPassword: user.password };

  try {
    await drivers.call('auth', plugin, 'AUTHENTICATE', request, { objectId: user.id, callerLogsFailureReply: true });
    return { accepted: true };
  } catch (error) {
    if (!(error instanceof DriverError)) throw error;
    if (error.code === 'FAILURE') return { accepted: false, reason: 'wrong secret', detail: error.detail };

    log.warn('auth.driver_unavailable', { uid: user.id, authDriver: user.authDriver, plugin, code: error.code, reason: error.detail });
    return { accepted: false, reason: 'driver unavailable', detail: error.code };
  }
}
