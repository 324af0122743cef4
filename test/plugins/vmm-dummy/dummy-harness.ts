import { cpSync } from 'node:fs';
import path from 'node:path';
import type { DriverCallSettings } from '../../../core/drivers/runtime/driver-manager.js';
import { PROJECT_ROOT, temporaryFolder } from '../../core/drivers/support/plugin-fixtures.js';
import { startRegistry, type RegistryUnderTest } from '../../core/drivers/support/registry-harness.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** The built dummy plugin; the tests run the compiled driver, as the daemon does. */
export const DUMMY_DIR = path.join(PROJECT_ROOT, 'dist', 'plugins', 'vmm', 'dummy');

export const deployRequest = (vmId: number) => ({ vmId, host: 'node1', vmDir: `/srv/${vmId}`, deploymentFile: `/srv/${vmId}/deployment.0.json` });
export const vmRequest = (vmId: number) => ({ vmId, host: 'node1', deployId: `dummy-${vmId}` });

/** Sets STRATUS_DUMMY_CONTROL (or removes it for undefined) until the test ends. */
export function useControlFolder(t: Teardown, folder: string | undefined): void {
  const previous = process.env.STRATUS_DUMMY_CONTROL;
  if (folder === undefined) delete process.env.STRATUS_DUMMY_CONTROL;
  else process.env.STRATUS_DUMMY_CONTROL = folder;

  t.teardown(() => {
    if (previous === undefined) delete process.env.STRATUS_DUMMY_CONTROL;
    else process.env.STRATUS_DUMMY_CONTROL = previous;
  });
}

/**
 * Loads a copy of the dummy plugin through the real registry, with a control folder
 * of its own, and returns the registry, the driver manager and that folder.
 */
export async function startDummy(t: Teardown, calls?: DriverCallSettings): Promise<RegistryUnderTest & { control: string }> {
  const folder = temporaryFolder(t, 'stratus-dummy-plugins-');
  cpSync(DUMMY_DIR, path.join(folder, 'dummy'), { recursive: true });
  const control = temporaryFolder(t, 'stratus-dummy-control-');
  useControlFolder(t, control);

  const started = await startRegistry(t, [folder], { calls });
  return { ...started, control };
}
