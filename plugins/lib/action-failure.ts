/** Remedies for the most common filesystem errors, by errno code. */
const ERRNO_FIXES: Readonly<Record<string, string>> = {
  EACCES: "check that the daemon's user may read and write there",
  EPERM: "check that the daemon's user may read and write there",
  ENOSPC: 'free space on that filesystem, then retry',
  EDQUOT: 'raise the disk quota or free space, then retry',
  EROFS: 'the filesystem is read-only; remount it read-write',
  ENOENT: 'check that the path exists',
  ENOTDIR: 'a component of the path is a file, not a folder; check the path',
  EISDIR: 'the path is a folder where a file was expected; check the path',
  ENOTEMPTY: 'the target folder is not empty; remove it or choose another target',
  EEXIST: 'the target already exists; remove it or choose another target',
};

/**
 * Wraps an error from an action as "<ACTION> for <subject> failed: <message>",
 * adding the fix for common filesystem errors whose message has none.
 */
export function actionFailure(action: string, subject: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const fix = code !== undefined ? ERRNO_FIXES[code] : undefined;
  return new Error(`${action} for ${subject} failed: ${message}${fix === undefined ? '' : `; ${fix}`}`, { cause: error });
}
