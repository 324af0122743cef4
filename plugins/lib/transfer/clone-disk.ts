import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { DiskRequest } from '../driver-types.js';
import { replaceWithCopy } from '../file-copy.js';
import { requireRegularFile } from '../path-checks.js';
import { createOverlay, readImageInfo } from '../qemu-img.js';
import { replaceAtomically } from '../temporary-file.js';
import { warnOf, type TransferCall } from './transfer-call.js';
import { requireEntryInRoots, requireReadableInRoots } from './transfer-scope.js';

interface CheckedPaths {
  /** The image as the request names it, normalised; overlays and links store this path. */
  source: string;
  target: string;
}

/** Checks both paths of a CLONE or LN request and creates the VM folder. */
async function checkDiskPaths(request: DiskRequest, call: TransferCall): Promise<CheckedPaths> {
  const resolvedSource = await requireReadableInRoots(call.scope, request.source, `source image for ${call.subject}`);
  await requireRegularFile(resolvedSource, `source image for ${call.subject}`);
  const target = await requireEntryInRoots(call.scope, request.target, `target disk for ${call.subject}`);

  await mkdir(path.dirname(target), { recursive: true });
  return { source: path.resolve(request.source), target };
}

/** Gives the VM a full copy of the image, keeping holes (`cp --sparse=always`). */
export async function cloneByCopy(request: DiskRequest, call: TransferCall): Promise<void> {
  const { source, target } = await checkDiskPaths(request, call);

  call.info(`copying ${source} to ${target}`);
  await replaceWithCopy(source, target, { subject: call.subject, signal: call.signal, warn: warnOf(call) });
  call.info(`copied ${source} to ${target}`);
}

/** Gives the VM a qcow2 overlay whose backing file is the image, so that writes never reach the image. */
export async function cloneByOverlay(request: DiskRequest, call: TransferCall): Promise<void> {
  const { source, target } = await checkDiskPaths(request, call);
  const qemuOptions = { subject: call.subject, signal: call.signal };
  const info = await readImageInfo(source, qemuOptions);

  call.info(`creating a qcow2 overlay ${target} on ${source} (${info.format})`);
  await replaceAtomically(target, warnOf(call), (temporary) => createOverlay(temporary, source, info.format, qemuOptions));
  call.info(`created the overlay ${target}`);
}

/** Lets the VM use the image file itself, through a symbolic link in the VM folder. */
export async function linkImage(request: DiskRequest, call: TransferCall): Promise<void> {
  const { source, target } = await checkDiskPaths(request, call);

  await replaceAtomically(target, warnOf(call), (temporary) => symlink(source, temporary));
  call.info(`linked ${target} to ${source}`);
}
