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

/**
 * Sends AUTHENTICATE to the user's auth plugin and returns whether it accepted the
 * secret. A FAILURE reply is a refusal, which the driver manager has already logged.
 * Any other failure (plugin not installed, broken, timed out) is logged here with
 * the user id, and the user is refused too.
 */
export async function checkSecretWithDriver(drivers: AuthDriverCaller, log: EventLog, user: UserRecord, secret: string): Promise<boolean> {
  const plugin = authPluginFor(user.authDriver);
  const request = { userId: user.id, username: user.name, secret, storedPassword: user.password };

  try {
    await drivers.call('auth', plugin, 'AUTHENTICATE', request, { objectId: user.id });
    return true;
  } catch (error) {
    if (!(error instanceof DriverError)) throw error;
    if (error.code !== 'FAILURE') {
      log.warn('auth.driver_unavailable', { uid: user.id, authDriver: user.authDriver, plugin, code: error.code, reason: error.detail });
    }
    return false;
  }
}
