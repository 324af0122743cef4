import { runCommand } from './run-command.js';

/** Metadata that `qemu-img info --output=json` reports about one image file. */
export interface ImageInfo {
  /** raw, qcow2, ... as qemu-img detects it; a plain file is raw. */
  format: string;
  /** Size of the disk the guest sees, in bytes. */
  virtualSizeBytes: number;
  /** Space the file takes on its filesystem, in bytes (absent on some filesystems). */
  actualSizeBytes?: number;
  /** The backing file as stored in the image. */
  backingFile?: string;
  /** The backing file resolved by qemu-img against the image's folder. */
  fullBackingFile?: string;
  backingFormat?: string;
  /** External data file of a qcow2 image. */
  dataFile?: string;
  dirty: boolean;
  corrupt: boolean;
}

export interface QemuImgOptions {
  /** The object the command works on, for messages, such as "image 7". */
  subject: string;
  signal?: AbortSignal;
}

function optionalString(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}

function formatSpecificData(record: Record<string, unknown>): Record<string, unknown> {
  const specific = record['format-specific'];
  if (typeof specific !== 'object' || specific === null) return {};
  const data = (specific as Record<string, unknown>).data;
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
}

/** Parses the JSON that `qemu-img info --output=json FILE` prints; throws when a required key is missing. */
export function parseImageInfo(json: string, file: string): ImageInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`qemu-img info printed invalid JSON for ${file}: ${(error as Error).message}; check the qemu-utils installation`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`qemu-img info printed no JSON object for ${file}; check the qemu-utils installation`);
  }

  const record = parsed as Record<string, unknown>;
  const format = record.format;
  const virtualSize = record['virtual-size'];
  if (typeof format !== 'string' || typeof virtualSize !== 'number') {
    throw new Error(`qemu-img info reported no "format" or "virtual-size" for ${file}; check the qemu-utils installation`);
  }

  const data = formatSpecificData(record);
  const actualSize = record['actual-size'];
  return {
    format,
    virtualSizeBytes: virtualSize,
    actualSizeBytes: typeof actualSize === 'number' ? actualSize : undefined,
    backingFile: optionalString(record, 'backing-filename'),
    fullBackingFile: optionalString(record, 'full-backing-filename'),
    backingFormat: optionalString(record, 'backing-filename-format'),
    dataFile: optionalString(data, 'data-file'),
    dirty: record['dirty-flag'] === true,
    corrupt: data.corrupt === true,
  };
}

/**
 * Reads an image's metadata. `forceShare` adds `-U`, which reads an image that a
 * running VM has open.
 */
export async function readImageInfo(file: string, options: QemuImgOptions & { forceShare?: boolean }): Promise<ImageInfo> {
  const args = ['info', '--output=json', ...(options.forceShare ? ['-U'] : []), '--', file];
  const { stdout } = await runCommand('qemu-img', args, { subject: options.subject, signal: options.signal, timeoutMs: 60_000, fix: 'check that the file is a readable disk image' });
  return parseImageInfo(stdout, file);
}

/** Creates an empty image of `sizeMb` MiB in `format` (raw or qcow2). */
export async function createImage(file: string, format: string, sizeMb: number, options: QemuImgOptions): Promise<void> {
  await runCommand('qemu-img', ['create', '-q', '-f', format, file, `${sizeMb}M`], { subject: options.subject, signal: options.signal, fix: 'check the free space and permissions of the folder' });
}

/**
 * Creates a qcow2 overlay `file` whose backing file is `backingFile` in `backingFormat`.
 * QEMU 7.2 and later require the backing format (`-F`); the overlay stores the path
 * as given, so `backingFile` should be absolute.
 */
export async function createOverlay(file: string, backingFile: string, backingFormat: string, options: QemuImgOptions): Promise<void> {
  const args = ['create', '-q', '-f', 'qcow2', '-F', backingFormat, '-b', backingFile, file];
  await runCommand('qemu-img', args, { subject: options.subject, signal: options.signal, fix: 'check that the backing image is readable and the folder is writable' });
}

/** Converts `source` (in `sourceFormat`) to `target` in `targetFormat`. */
export async function convertImage(source: string, sourceFormat: string, target: string, targetFormat: string, options: QemuImgOptions): Promise<void> {
  const args = ['convert', '-q', '-f', sourceFormat, '-O', targetFormat, source, target];
  await runCommand('qemu-img', args, { subject: options.subject, signal: options.signal, timeoutMs: 3_600_000, fix: 'check the free space of the target folder' });
}
