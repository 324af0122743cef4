import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';

export const QEMU_INSTALL = 'apt-get install -y qemu-system-x86 qemu-utils genisoimage';

/** Whether `command` is an executable on the PATH. */
export function onPath(command: string): boolean {
  for (const folder of (process.env.PATH ?? '').split(':')) {
    try {
      accessSync(path.join(folder, command), constants.X_OK);
      return true;
    } catch (error) {
      // A PATH folder without the command (or one we may not read) is skipped.
      if (!['ENOENT', 'EACCES', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
  }
  return false;
}

export interface TestGuest {
  dir: string;
  kernel: string;
  initrd: string;
  disk: string;
  readyMarker: string;
}

/** Builds (or reuses) the project's test guest with scripts/build-test-guest. */
export function buildTestGuest(root: string): TestGuest {
  const dir = path.join(root, 'var', 'cache', 'test-guest');
  const build = spawnSync(path.join(root, 'scripts', 'build-test-guest'), [dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('scripts/build-test-guest failed; its messages above say which step and how to fix it');

  const manifest = JSON.parse(readFileSync(path.join(dir, 'guest.json'), 'utf8')) as {
    readyMarker: string;
    files: { kernel: { name: string }; initrd: { name: string }; rootDisk: { name: string } };
  };
  return {
    dir,
    kernel: path.join(dir, manifest.files.kernel.name),
    initrd: path.join(dir, manifest.files.initrd.name),
    disk: path.join(dir, manifest.files.rootDisk.name),
    readyMarker: manifest.readyMarker,
  };
}
