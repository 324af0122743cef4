import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** Reports a problem the caller chose not to raise, such as a leftover temporary file. */
export type WarningListener = (text: string) => void;

/**
 * Returns a new hidden path in the same folder as `target`, so that a rename from it
 * to `target` is atomic (same filesystem).
 */
export function temporaryPathBeside(target: string, tag = 'tmp'): string {
  const suffix = randomBytes(6).toString('hex');
  return path.join(path.dirname(target), `.${path.basename(target)}.${tag}-${suffix}`);
}

/** Removes a temporary file or folder; a failure is reported to `warn`, not raised. */
export async function removeQuietly(file: string, warn: WarningListener): Promise<void> {
  try {
    await rm(file, { recursive: true, force: true });
  } catch (error) {
    warn(`could not remove the temporary file ${file}: ${(error as Error).message}; remove it by hand`);
  }
}

/**
 * Runs `write` with a temporary path beside `target`, then renames the result over
 * `target`. When `write` throws, the temporary file is removed and the error is
 * raised again, so `target` is either the old file or the complete new one.
 * A rename replaces a symbolic link at `target` itself, never the file it points to.
 */
export async function replaceAtomically<T>(target: string, warn: WarningListener, write: (temporary: string) => Promise<T>): Promise<T> {
  const temporary = temporaryPathBeside(target);
  try {
    const result = await write(temporary);
    await rename(temporary, target);
    return result;
  } catch (error) {
    await removeQuietly(temporary, warn);
    throw error;
  }
}
