import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The accelerator setting: `auto` probes the host, while `tcg` and `kvm` force one. */
export type AcceleratorSetting = 'auto' | 'tcg' | 'kvm';

export const ACCELERATOR_SETTINGS: readonly AcceleratorSetting[] = ['auto', 'tcg', 'kvm'];

/** The binary used when STRATUS_QEMU_BINARY is not set. */
export const DEFAULT_QEMU_BINARY = 'qemu-system-x86_64';

/** Settings of the qemu driver, read from the environment when the plugin loads. */
export interface QemuDriverConfig {
  /** STRATUS_QEMU_ACCEL, default `auto`. */
  accelerator: AcceleratorSetting;
  /** STRATUS_QEMU_BINARY: a command name looked up on PATH, or a path. */
  binary: string;
  /** Host names that mean this machine: its hostname, `localhost`, the loopback addresses and STRATUS_QEMU_LOCAL_HOSTS. */
  localHostNames: string[];
  /**
   * Folder of the test guest that the KVM probe boots (STRATUS_GUEST_DIR, else
   * var/cache/test-guest of the checkout that contains the plugin), or undefined when
   * neither exists.
   */
  probeGuestDir: string | undefined;
}

/** Finds the nearest folder at or above `start` that contains package.json. */
function findCheckoutRoot(start: string): string | undefined {
  let folder = path.resolve(start);
  while (!existsSync(path.join(folder, 'package.json'))) {
    const parent = path.dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
  return folder;
}

function readAcceleratorSetting(value: string | undefined): AcceleratorSetting {
  const setting = (value ?? '').trim().toLowerCase() || 'auto';
  if (!(ACCELERATOR_SETTINGS as readonly string[]).includes(setting)) {
    throw new Error(`STRATUS_QEMU_ACCEL=${JSON.stringify(value)} is invalid: set it to tcg, kvm or auto (the default), or unset it`);
  }
  return setting as AcceleratorSetting;
}

function readLocalHostNames(value: string | undefined): string[] {
  const hostname = os.hostname();
  const configured = (value ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
  const names = [hostname, hostname.split('.')[0] ?? hostname, 'localhost', '127.0.0.1', '::1', ...configured];
  return [...new Set(names.map((name) => name.toLowerCase()))];
}

function findProbeGuestDir(environment: NodeJS.ProcessEnv, pluginDir: string): string | undefined {
  const configured = environment.STRATUS_GUEST_DIR?.trim();
  if (configured) return path.resolve(configured);

  const root = findCheckoutRoot(pluginDir);
  if (root === undefined) return undefined;
  const cache = path.join(root, 'var', 'cache', 'test-guest');
  return existsSync(cache) ? cache : undefined;
}

/**
 * Reads the driver's settings from `environment`. Throws on an invalid
 * STRATUS_QEMU_ACCEL, which rejects the plugin with that message.
 */
export function readConfig(environment: NodeJS.ProcessEnv, pluginDir: string): QemuDriverConfig {
  return {
    accelerator: readAcceleratorSetting(environment.STRATUS_QEMU_ACCEL),
    binary: environment.STRATUS_QEMU_BINARY?.trim() || DEFAULT_QEMU_BINARY,
    localHostNames: readLocalHostNames(environment.STRATUS_QEMU_LOCAL_HOSTS),
    probeGuestDir: findProbeGuestDir(environment, pluginDir),
  };
}
