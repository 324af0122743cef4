import { appendFile, mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';

/** Name of the previous log file once vm.log reached its size limit. */
export const ROTATED_SUFFIX = '.1';

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

async function appendCreating(file: string, text: string): Promise<void> {
  try {
    await appendFile(file, text, { mode: 0o640 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(path.dirname(file), { recursive: true, mode: 0o750 });
    await appendFile(file, text, { mode: 0o640 });
  }
}

/**
 * Appends `line` to `file`, creating its folder when needed. When the file would grow
 * past `maxBytes`, it is first renamed to `<file>.1` (replacing an older one) and the
 * new file begins with `note`, so the log takes at most about twice `maxBytes` on disk.
 * Calls for one file must not overlap; the caller queues them.
 */
export async function appendBounded(file: string, line: string, maxBytes: number, note: () => string): Promise<void> {
  const size = await sizeOf(file);
  if (size > 0 && size + Buffer.byteLength(line) > maxBytes) {
    await rename(file, `${file}${ROTATED_SUFFIX}`);
    await appendCreating(file, note() + line);
    return;
  }
  await appendCreating(file, line);
}
