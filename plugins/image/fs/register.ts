import { pipeline } from 'node:stream/promises';
import { ByteLimit } from '../../lib/byte-limit.js';
import { compareDigests, DigestStream, normaliseExpectedDigest, type Digests } from '../../lib/checksums.js';
import type { RegisterReply, RegisterRequest } from '../../lib/driver-types.js';
import { IMAGE_SOURCE_SETTINGS, loadImageSourcePolicy, type ImageSourcePolicy } from '../../lib/image-source-policy.js';
import { readImageInfo, type ImageInfo } from '../../lib/qemu-img.js';
import { SparseFileWriter } from '../../lib/sparse-file-writer.js';
import { replaceAtomically } from '../../lib/temporary-file.js';
import { imageFilePath, prepareDatastore, requireNewFile, type ImageCall } from './image-call.js';
import { openImageSource, redactLocation, type ImageSource } from './image-source.js';

/**
 * Formats that keep the whole disk in one file. Others (such as vmdk, whose
 * descriptor may name any file as an extent) could let a guest read host files.
 */
const SINGLE_FILE_FORMATS = new Set(['raw', 'qcow2', 'qed', 'vdi', 'vhdx', 'vpc']);
const MIB = 1024 * 1024;

/** Throws unless the image is a single-file format without backing or data files. */
function requireSelfContained(info: ImageInfo, subject: string): void {
  const flatten = 'convert it to a standalone qcow2 (`qemu-img convert -O qcow2 IN OUT`) and register the result';
  if (!SINGLE_FILE_FORMATS.has(info.format)) {
    throw new Error(`${subject} is in the format ${info.format}, which may refer to other files; ${flatten}`);
  }
  if (info.backingFile !== undefined) {
    throw new Error(`${subject} has the backing file ${info.backingFile}, which would expose that file to the VM; ${flatten}`);
  }
  if (info.dataFile !== undefined) {
    throw new Error(`${subject} stores its data in the external file ${info.dataFile}; ${flatten}`);
  }
  if (info.corrupt) {
    throw new Error(`${subject} is marked corrupt by qemu-img; repair it with \`qemu-img check -r all\` or use another copy`);
  }
}

/**
 * Streams the source into `file` through the size limit and the digests. A failure
 * other than the limit or an abort (a connection reset, a full disk) is raised with
 * the source named, keeping its errno code.
 */
async function copySource(source: ImageSource, file: string, policy: ImageSourcePolicy, digest: DigestStream, signal: AbortSignal, location: string): Promise<void> {
  const limit = new ByteLimit(policy.maxBytes, () => source.tooLarge(`more than ${policy.maxBytes} bytes arrived`));
  try {
    await pipeline(source.stream, limit, digest, new SparseFileWriter(file), { signal });
  } catch (error) {
    if (limit.exceeded || signal.aborted) throw error;
    const wrapped = new Error(`copying ${location} into the datastore failed after ${digest.bytes} bytes: ${(error as Error).message}; check that the source is complete and reachable, then retry`, { cause: error });
    throw Object.assign(wrapped, { code: (error as NodeJS.ErrnoException).code });
  }
}

/** Rewrites an abort caused by the download deadline as a timeout that names the setting. */
function timeoutAware(error: unknown, deadline: AbortSignal, policy: ImageSourcePolicy, location: string, subject: string): unknown {
  if (!deadline.aborted) return error;
  return new Error(`reading ${location} for ${subject} timed out after ${policy.timeoutMs / 1000} s; raise ${IMAGE_SOURCE_SETTINGS.timeoutSeconds} or use a closer source`, { cause: error });
}

function expectedDigests(request: RegisterRequest, subject: string): Partial<Digests> {
  return {
    md5: normaliseExpectedDigest('md5', request.md5, subject),
    sha256: normaliseExpectedDigest('sha256', request.sha256, subject),
  };
}

/**
 * Copies or downloads an image into `<datastore>/<imageId>`, computing MD5 and
 * SHA-256 on the way. A checksum mismatch, an oversized source, a timeout or an
 * image that refers to other files fails the action and leaves no file behind.
 */
export async function registerImage(request: RegisterRequest, call: ImageCall): Promise<RegisterReply> {
  const expected = expectedDigests(request, call.subject);
  const policy = await loadImageSourcePolicy();
  const datastore = await prepareDatastore(request.datastorePath, call.subject);
  const target = imageFilePath(datastore, request.imageId);
  await requireNewFile(target, call.subject);

  const location = redactLocation(request.path);
  const deadline = AbortSignal.timeout(policy.timeoutMs);
  const signal = AbortSignal.any([call.signal, deadline]);
  const digest = new DigestStream();

  const info = await replaceAtomically(target, (text) => call.warn(text), async (temporary) => {
    try {
      const source = await openImageSource(request.path, policy, call, signal);
      await copySource(source, temporary, policy, digest, signal, location);
    } catch (error) {
      throw timeoutAware(error, deadline, policy, location, call.subject);
    }
    compareDigests(expected, digest.digests(), `${call.subject} from ${location}`);
    const described = await readImageInfo(temporary, { subject: call.subject, signal: call.signal });
    requireSelfContained(described, `the file from ${location} for ${call.subject}`);
    return described;
  });

  const { md5, sha256 } = digest.digests();
  const reply = { source: target, format: info.format, sizeMb: Math.ceil(digest.bytes / MIB), virtualSizeMb: Math.ceil(info.virtualSizeBytes / MIB), md5, sha256 };
  call.info(`registered ${target} from ${location}: ${reply.format}, ${digest.bytes} bytes, virtual size ${reply.virtualSizeMb} MiB, SHA-256 ${sha256}`);
  return reply;
}
