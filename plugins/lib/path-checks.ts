import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** True when `file` is `folder` or lies below it; both must be absolute and normalised. */
export function isInsideFolder(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  if (relative === '') return true;
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/** True when `file` lies below `folder` and is not `folder` itself. */
export function isStrictlyInsideFolder(file: string, folder: string): boolean {
  return file !== folder && isInsideFolder(file, folder);
}

/** Throws unless `file` is an absolute path; `role` names it in the message, such as "target disk for VM 42". */
export function requireAbsolutePath(file: string, role: string): string {
  if (file === '' || !path.isAbsolute(file)) {
    throw new Error(`the ${role} must be an absolute path, got "${file}"; pass the full path`);
  }
  if (file.includes('\0')) {
    throw new Error(`the ${role} contains a NUL character; pass a plain path`);
  }
  return path.resolve(file);
}

/**
 * Resolves symbolic links in every existing component of `file` and appends the
 * components that do not exist yet, so that the result is where a read or a write of
 * `file` would land.
 */
export async function resolveFollowingLinks(file: string): Promise<string> {
  const absolute = path.resolve(file);
  try {
    return await realpath(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const parent = path.dirname(absolute);
    if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === absolute) throw error;
    return path.join(await resolveFollowingLinks(parent), path.basename(absolute));
  }
}

/**
 * Resolves the folder that contains `file` but not `file` itself, so that a symbolic
 * link at `file` stays a link. This is the path that a rename, unlink or rm of
 * `file` acts on.
 */
export async function resolveEntry(file: string): Promise<string> {
  const absolute = path.resolve(file);
  if (absolute === path.parse(absolute).root) return absolute;
  return path.join(await resolveFollowingLinks(path.dirname(absolute)), path.basename(absolute));
}

/** Resolves each folder's links, keeping folders that do not exist yet as given. */
export async function resolveFolders(folders: readonly string[]): Promise<string[]> {
  return Promise.all(folders.map((folder) => resolveFollowingLinks(folder)));
}

/** Throws unless `file` exists and is a regular file (after following links); `role` names it in messages. */
export async function requireRegularFile(file: string, role: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(file)).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${file} (the ${role}) does not exist; check the path`, { cause: error });
    throw error;
  }
  if (!isFile) throw new Error(`${file} (the ${role}) is not a regular file; pass a disk image file`);
}
