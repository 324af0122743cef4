import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../core/drivers/support/plugin-fixtures.js';
import { startRegistry, type RegistryUnderTest } from '../../../core/drivers/support/registry-harness.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** The compiled shipped image plugins, as `npm run build` (or scripts/dev/private-build) lays them out. */
export const IMAGE_PLUGINS = path.join(PROJECT_ROOT, 'dist', 'plugins', 'image');

/** Loads dist/plugins/image through the plugin registry and returns the manager that calls it. */
export async function startImagePlugins(t: Teardown): Promise<RegistryUnderTest> {
  return startRegistry(t, [IMAGE_PLUGINS]);
}

/** Runs qemu-img with an argument array and returns its standard output. */
export function qemuImg(...args: string[]): string {
  return execFileSync('qemu-img', args, { encoding: 'utf8' });
}

/** Returns `qemu-img info --output=json` of a file, parsed. */
export function imageInfo(file: string): Record<string, unknown> {
  return JSON.parse(qemuImg('info', '--output=json', file)) as Record<string, unknown>;
}

export function digestsOf(file: string): { md5: string; sha256: string } {
  const bytes = readFileSync(file);
  return { md5: createHash('md5').update(bytes).digest('hex'), sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Returns the error a promise rejects with, and throws when it resolves. */
export async function failureOf(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
