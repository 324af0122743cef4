import type { InjectionToken } from 'tsyringe';
import type { Settings } from './config/settings.js';
import type { Database } from './db/database.js';
import type { AclStore } from './auth/acl-store.js';
import type { Authenticator } from './auth/authenticator.js';
import type { Authorizer } from './auth/authorizer.js';
import type { DaemonLog } from './log/events.js';
import type { Store } from './pools/store.js';
import type { CoreApi } from './services/core-api.js';
import type { CoreServices } from './services/core-services.js';
import type { AuthDriver } from './auth/auth-driver.js';

/** Dependency-injection tokens; every registration happens in `container.ts`. */
export const Tokens = {
  Settings: Symbol('Settings') as InjectionToken<Settings>,
  Home: Symbol('Home') as InjectionToken<string>,
  Log: Symbol('DaemonLog') as InjectionToken<DaemonLog>,
  Database: Symbol('Database') as InjectionToken<Database>,
  Store: Symbol('Store') as InjectionToken<Store>,
  AclStore: Symbol('AclStore') as InjectionToken<AclStore>,
  Authorizer: Symbol('Authorizer') as InjectionToken<Authorizer>,
  AuthDrivers: Symbol('AuthDrivers') as InjectionToken<ReadonlyMap<string, AuthDriver>>,
  Authenticator: Symbol('Authenticator') as InjectionToken<Authenticator>,
  CoreServices: Symbol('CoreServices') as InjectionToken<CoreServices>,
  CoreApi: Symbol('CoreApi') as InjectionToken<CoreApi>,
} as const;
