import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MANIFEST_FILE } from './manifest.js';

const MAX_DEPTH = 4;
const MAX_ENTRIES = 2000;

async function listEntries(root: string, relative: string, depth: number, lines: string[]): Promise<void> {
  if (depth > MAX_DEPTH || lines.length >= MAX_ENTRIES) return;

  const names = (await readdir(path.join(root, relative))).sort();
  for (const name of names) {
    if (lines.length >= MAX_ENTRIES) return;
    const child = path.join(relative, name);
    const info = await lstat(path.join(root, child)).catch(() => undefined);
    if (info === undefined) continue;

    lines.push(`${child} ${info.mode} ${info.size} ${info.mtimeMs}`);
    if (info.isDirectory()) await listEntries(root, child, depth + 1, lines);
  }
}

/**
 * Hashes a plugin folder: its manifest's text, and the path, mode, size and
 * modification time of up to 2000 files, 4 levels deep. The registry compares
 * these hashes so that it reloads a plugin only when something in it changed.
 * Returns undefined when the folder cannot be read.
 */
export async function fingerprintFolder(dir: string): Promise<string | undefined> {
  const lines: string[] = [];
  try {
    lines.push(await readFile(path.join(dir, MANIFEST_FILE), 'utf8'));
    await listEntries(dir, '', 0, lines);
  } catch {
    return undefined;
  }
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
