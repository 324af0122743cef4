import { lstat, mkdir, readdir, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { DeleteRequest, MoveRequest } from '../driver-types.js';
import { moveEntry } from '../file-copy.js';
import { isInsideFolder } from '../path-checks.js';
import { warnOf, type TransferCall } from './transfer-call.js';
import { requireEntryInRoots } from './transfer-scope.js';

type EntryKind = 'missing' | 'folder' | 'other';

async function entryKind(file: string): Promise<EntryKind> {
  try {
    return (await lstat(file)).isDirectory() ? 'folder' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

/** Throws unless a move from `source` may land on `target` without losing data there. */
async function requireFreeTarget(source: string, sourceKind: EntryKind, target: string, subject: string): Promise<void> {
  const targetKind = await entryKind(target);
  if (targetKind === 'missing') return;

  if (sourceKind === 'folder' && targetKind === 'folder' && (await readdir(target)).length === 0) return;
  if (sourceKind === 'other' && targetKind === 'other') return;
  throw new Error(`the target ${target} of ${subject} already exists${targetKind === 'folder' ? ' and is a folder that is not empty' : ''}; remove it or choose another target`);
}

/**
 * Moves a VM file or folder. Both hosts are this machine, so a move to the same path
 * (a migration between two names of this machine) leaves the files where they are.
 */
export async function moveVmPath(request: MoveRequest, call: TransferCall): Promise<void> {
  const source = await requireEntryInRoots(call.scope, request.source, `source path for ${call.subject}`);
  const target = await requireEntryInRoots(call.scope, request.target, `target path for ${call.subject}`);
  if (source === target) {
    call.info(`${source} stays in place: source and target are the same path on this machine`);
    return;
  }

  const sourceKind = await entryKind(source);
  if (sourceKind === 'missing') throw new Error(`the source path ${source} of ${call.subject} does not exist; check the path`);
  if (isInsideFolder(target, source)) throw new Error(`the target ${target} of ${call.subject} lies inside the source ${source}; choose a target outside it`);
  await requireFreeTarget(source, sourceKind, target, call.subject);

  await mkdir(path.dirname(target), { recursive: true });
  await moveEntry(source, target, { subject: call.subject, signal: call.signal, warn: warnOf(call) });
  call.info(`moved ${source} to ${target}`);
}

/**
 * Removes a VM file or folder. A missing path counts as removed, so the action is
 * safe to retry. A symbolic link (a persistent disk) is removed, not the image it points to.
 */
export async function deleteVmPath(request: DeleteRequest, call: TransferCall): Promise<void> {
  const target = await requireEntryInRoots(call.scope, request.target, `path to delete for ${call.subject}`);
  const kind = await entryKind(target);

  if (kind === 'missing') {
    call.info(`${target} does not exist; nothing to delete`);
    return;
  }
  if (kind === 'folder') await rm(target, { recursive: true });
  else await unlink(target);
  call.info(`deleted ${target}`);
}
