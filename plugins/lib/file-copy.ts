import { rename, rm } from 'node:fs/promises';
import { runCommand } from './run-command.js';
import { replaceAtomically, type WarningListener } from './temporary-file.js';

export interface CopyOptions {
  /** The object the copy is for, in messages, such as "image 7" or "VM 42". */
  subject: string;
  signal?: AbortSignal;
  warn: WarningListener;
}

/** Copies a file to `target` (which must not exist), leaving runs of zeros as holes. */
export async function copyFileSparse(source: string, target: string, options: CopyOptions): Promise<void> {
  await runCommand('cp', ['--sparse=always', '--', source, target], { subject: options.subject, signal: options.signal, timeoutMs: 3_600_000, fix: 'check the free space and permissions of the target folder' });
}

/**
 * Copies a file over `target` through a temporary file beside it, so that `target`
 * is never seen half-written. A symbolic link at `target` is replaced, not written through.
 */
export async function replaceWithCopy(source: string, target: string, options: CopyOptions): Promise<void> {
  await replaceAtomically(target, options.warn, (temporary) => copyFileSparse(source, temporary, options));
}

/**
 * Moves a file or folder with a rename when both paths are on one filesystem.
 * Across filesystems, `cp -a` copies the entry beside the target (keeping links,
 * modes and holes) and a rename puts it in place. Only then is the source removed.
 */
export async function moveEntry(source: string, target: string, options: CopyOptions): Promise<void> {
  try {
    await rename(source, target);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
  }

  await replaceAtomically(target, options.warn, async (temporary) => {
    await runCommand('cp', ['-a', '--sparse=always', '--', source, temporary], { subject: options.subject, signal: options.signal, timeoutMs: 3_600_000, fix: 'check the free space of the target filesystem' });
  });
  await rm(source, { recursive: true, force: true });
}
