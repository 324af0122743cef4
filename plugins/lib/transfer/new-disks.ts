import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeContextIso } from '../context-iso.js';
import type { ContextRequest, MkimageRequest } from '../driver-types.js';
import { writeEmptyDisk } from '../empty-disk.js';
import { requireRegularFile } from '../path-checks.js';
import { replaceAtomically } from '../temporary-file.js';
import { warnOf, type TransferCall } from './transfer-call.js';
import { requireEntryInRoots, requireReadableInRoots } from './transfer-scope.js';

/** Creates an empty volatile disk, raw or qcow2, with a filesystem when the request names one. */
export async function makeVolatileDisk(request: MkimageRequest, call: TransferCall): Promise<void> {
  const target = await requireEntryInRoots(call.scope, request.target, `target disk for ${call.subject}`);
  await mkdir(path.dirname(target), { recursive: true });

  const disk = { sizeMb: request.sizeMb, format: request.format, fs: request.fs, subject: call.subject, signal: call.signal, warn: warnOf(call) };
  await replaceAtomically(target, warnOf(call), (temporary) => writeEmptyDisk(temporary, disk));
  call.info(`created ${target}: ${request.format}, ${request.sizeMb} MiB${request.fs ? `, ${request.fs}` : ''}`);
}

/**
 * Returns the values for context.sh. As OpenNebula does, DISK_ID is the context
 * disk's number, taken from a target named disk.<N> when the values lack it.
 */
export function contextValues(request: ContextRequest): Record<string, unknown> {
  if (request.values.DISK_ID !== undefined) return request.values;
  const match = /^disk\.(\d+)$/.exec(path.basename(request.target));
  return match === null ? request.values : { DISK_ID: match[1], ...request.values };
}

/** Builds the CONTEXT CD with context.sh and the request's files, which must lie in the datastore roots. */
export async function buildContextDisk(request: ContextRequest, call: TransferCall): Promise<void> {
  const target = await requireEntryInRoots(call.scope, request.target, `context disk for ${call.subject}`);
  const files: string[] = [];
  for (const file of request.files) {
    const resolved = await requireReadableInRoots(call.scope, file, `context file for ${call.subject}`);
    await requireRegularFile(resolved, `context file for ${call.subject}`);
    files.push(resolved);
  }
  await mkdir(path.dirname(target), { recursive: true });

  const iso = { values: contextValues(request), files, subject: call.subject, signal: call.signal, warn: warnOf(call) };
  await replaceAtomically(target, warnOf(call), (temporary) => writeContextIso(temporary, iso));
  call.info(`built the context CD ${target} with ${Object.keys(iso.values).length} values and ${files.length} files`);
}
