import { convertImage, createImage } from './qemu-img.js';
import { runCommand } from './run-command.js';
import { removeQuietly, temporaryPathBeside, type WarningListener } from './temporary-file.js';

/** Disk formats an empty disk may be created in. */
export const EMPTY_DISK_FORMATS = ['raw', 'qcow2'] as const;

/** The mkfs command of each supported filesystem, run on a raw image file. */
const MKFS_COMMANDS: Readonly<Record<string, { program: string; args: readonly string[] }>> = {
  ext2: { program: 'mkfs.ext2', args: ['-F', '-q'] },
  ext3: { program: 'mkfs.ext3', args: ['-F', '-q'] },
  ext4: { program: 'mkfs.ext4', args: ['-F', '-q'] },
  xfs: { program: 'mkfs.xfs', args: ['-f', '-q'] },
  vfat: { program: 'mkfs.vfat', args: [] },
};

export interface EmptyDiskRequest {
  sizeMb: number;
  format: string;
  /** Filesystem to create; none when undefined or "". */
  fs?: string;
  /** The object the disk is for, in messages, such as "image 7" or "VM 42". */
  subject: string;
  signal?: AbortSignal;
  warn: WarningListener;
}

/** Throws unless the size, format and filesystem of the request are supported. */
export function validateEmptyDiskRequest(request: EmptyDiskRequest): void {
  if (!Number.isSafeInteger(request.sizeMb) || request.sizeMb <= 0) {
    throw new Error(`the size of the new disk for ${request.subject} must be a positive number of MiB, got ${request.sizeMb}`);
  }
  if (!(EMPTY_DISK_FORMATS as readonly string[]).includes(request.format)) {
    throw new Error(`the format "${request.format}" of the new disk for ${request.subject} is not supported; use ${EMPTY_DISK_FORMATS.join(' or ')}`);
  }
  if (request.fs !== undefined && request.fs !== '' && MKFS_COMMANDS[request.fs] === undefined) {
    throw new Error(`the filesystem "${request.fs}" for the new disk of ${request.subject} is not supported; use one of ${Object.keys(MKFS_COMMANDS).join(', ')}, or none`);
  }
}

async function makeFilesystem(rawFile: string, fs: string, request: EmptyDiskRequest): Promise<void> {
  const command = MKFS_COMMANDS[fs];
  if (command === undefined) throw new Error(`no mkfs command is known for the filesystem ${fs}`);
  await runCommand(command.program, [...command.args, rawFile], { subject: request.subject, signal: request.signal, fix: 'check the free space of the folder' });
}

/**
 * Writes a new empty disk at `file` (which must not exist yet). Without a filesystem
 * the disk is made by `qemu-img create`. With one, a raw file is made and formatted
 * (mkfs works on plain files), then converted to qcow2 when that format was requested.
 */
export async function writeEmptyDisk(file: string, request: EmptyDiskRequest): Promise<void> {
  validateEmptyDiskRequest(request);
  const fs = request.fs === '' ? undefined : request.fs;
  const qemuOptions = { subject: request.subject, signal: request.signal };

  if (fs === undefined) {
    await createImage(file, request.format, request.sizeMb, qemuOptions);
    return;
  }

  if (request.format === 'raw') {
    await createImage(file, 'raw', request.sizeMb, qemuOptions);
    await makeFilesystem(file, fs, request);
    return;
  }

  const rawFile = temporaryPathBeside(file, 'raw');
  try {
    await createImage(rawFile, 'raw', request.sizeMb, qemuOptions);
    await makeFilesystem(rawFile, fs, request);
    await convertImage(rawFile, 'raw', file, request.format, qemuOptions);
  } finally {
    await removeQuietly(rawFile, request.warn);
  }
}
