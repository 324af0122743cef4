import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, temporaryFolder } from '../../../core/drivers/support/plugin-fixtures.js';
import { startRegistry, type RegistryUnderTest } from '../../../core/drivers/support/registry-harness.js';
import { qemuImg } from '../../image-fs/support/image-harness.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** The compiled shipped transfer plugins, as `npm run build` (or scripts/dev/private-build) lays them out. */
export const TRANSFER_PLUGINS = path.join(PROJECT_ROOT, 'dist', 'plugins', 'transfer');

/** A datastore root in a temporary folder, with an image datastore (1) and a system datastore (0). */
export interface TestDatastores {
  /** The folder outside the root, for files the drivers must not touch. */
  work: string;
  root: string;
  /** The system datastore, where VM folders go. */
  system: string;
  /** The image datastore. */
  images: string;
  /** A qcow2 image with data: `<images>/7`. */
  qcowImage: string;
  /** A sparse 64 MiB raw image with 64 KiB of data: `<images>/8`. */
  rawImage: string;
}

/**
 * Creates the datastores and their images, and points STRATUS_DATASTORE_ROOTS at
 * the root. The drivers run in this process, so they read that setting.
 */
export function createTestDatastores(t: Teardown): TestDatastores {
  const work = temporaryFolder(t, 'stratus-transfer-');
  const root = path.join(work, 'datastores');
  const system = path.join(root, '0');
  const images = path.join(root, '1');
  mkdirSync(system, { recursive: true });
  mkdirSync(images, { recursive: true });

  const rawImage = path.join(images, '8');
  writeFileSync(rawImage, randomBytes(64 * 1024));
  qemuImg('resize', '-q', '-f', 'raw', rawImage, '64M');
  const qcowImage = path.join(images, '7');
  qemuImg('convert', '-f', 'raw', '-O', 'qcow2', rawImage, qcowImage);

  process.env.STRATUS_DATASTORE_ROOTS = root;
  delete process.env.STRATUS_LOCAL_HOSTS;
  return { work, root, system, images, qcowImage, rawImage };
}

/** Loads dist/plugins/transfer through the plugin registry and returns the manager that calls it. */
export async function startTransferPlugins(t: Teardown): Promise<RegistryUnderTest> {
  return startRegistry(t, [TRANSFER_PLUGINS]);
}
