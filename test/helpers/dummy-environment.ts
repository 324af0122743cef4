import path from 'node:path';
import { temporaryHome } from './daemon.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/**
 * Creates a home folder and a control folder for the dummy VM driver, and points
 * STRATUS_DUMMY_CONTROL and STRATUS_DATASTORE_ROOTS at them until the test ends. The
 * drivers read these variables when they load, so call this before the daemon starts.
 */
export function dummyDriverEnvironment(t: Teardown): { home: string; control: string } {
  const control = temporaryHome(t, 'stratus-dummy-control-');
  const home = temporaryHome(t);
  const saved = { control: process.env.STRATUS_DUMMY_CONTROL, roots: process.env.STRATUS_DATASTORE_ROOTS };
  process.env.STRATUS_DUMMY_CONTROL = control;
  process.env.STRATUS_DATASTORE_ROOTS = path.join(home, 'datastores');
  t.teardown(() => {
    process.env.STRATUS_DUMMY_CONTROL = saved.control;
    process.env.STRATUS_DATASTORE_ROOTS = saved.roots;
  });
  return { home, control };
}
