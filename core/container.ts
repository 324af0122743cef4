import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { AclStore } from './auth/acl-store.js';
import { Authenticator } from './auth/authenticator.js';
import { Authorizer } from './auth/authorizer.js';
import type { AuthDriver } from './auth/auth-driver.js';
import { CoreAuthDriver } from './auth/core-auth-driver.js';
import type { Settings } from './config/settings.js';
import type { Database } from './db/database.js';
import type { DaemonLog } from './log/events.js';
import { Store } from './pools/store.js';
import { CoreApi } from './services/core-api.js';
import type { CoreServices } from './services/core-services.js';
import { Tokens } from './tokens.js';

export interface RootValues {
  settings: Settings;
  home: string;
  log: DaemonLog;
  database: Database;
  /** Current time in seconds; tests pass a fake clock. */
  now?: () => number;
}

/**
 * The composition root: registers every service of one daemon in a child container,
 * so that tests can run several daemons in one process. Nothing here does I/O; the
 * values passed in were opened by the caller.
 */
export function buildContainer(values: RootValues): DependencyContainer {
  const c = rootContainer.createChildContainer();
  const now = values.now ?? (() => Math.floor(Date.now() / 1000));

  c.register(Tokens.Settings, { useValue: values.settings });
  c.register(Tokens.Home, { useValue: values.home });
  c.register(Tokens.Log, { useValue: values.log });
  c.register(Tokens.Database, { useValue: values.database });

  const store = new Store(values.database);
  const acl = new AclStore();
  const authorizer = new Authorizer(acl);
  const drivers = new Map<string, AuthDriver>();
  const core = new CoreAuthDriver();
  drivers.set(core.name, core);
  drivers.set('server_cipher', core);

  c.register(Tokens.Store, { useValue: store });
  c.register(Tokens.AclStore, { useValue: acl });
  c.register(Tokens.Authorizer, { useValue: authorizer });
  c.register(Tokens.AuthDrivers, { useValue: drivers });
  c.register(Tokens.Authenticator, { useValue: new Authenticator(store, drivers, () => now() * 1000) });

  const services: CoreServices = {
    store,
    acl,
    authorizer,
    settings: values.settings,
    log: values.log,
    home: values.home,
    now,
  };
  c.register(Tokens.CoreServices, { useValue: services });
  c.register(Tokens.CoreApi, { useValue: new CoreApi(services) });
  return c;
}
