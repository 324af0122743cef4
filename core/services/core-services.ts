import type { AclStore } from '../auth/acl-store.js';
import type { Authorizer } from '../auth/authorizer.js';
import type { Settings } from '../config/settings.js';
import type { DriverManager } from '../drivers/runtime/driver-manager.js';
import type { DaemonLog } from '../log/events.js';
import type { Store } from '../pools/store.js';

/** What the API's operations need from the daemon; built once at the composition root. */
export interface CoreServices {
  store: Store;
  acl: AclStore;
  authorizer: Authorizer;
  /** The driver manager, through which the image drivers copy image files and report datastore capacity. */
  drivers: DriverManager;
  settings: Settings;
  log: DaemonLog;
  /** Data directory of this daemon (datastores, logs, database). */
  home: string;
  /** Current time in seconds since the epoch; tests replace it. */
  now(): number;
}
