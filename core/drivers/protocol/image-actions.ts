import { action } from './action.js';
import type { FieldSpec } from './fields.js';

const imageId = { type: 'integer', description: 'The image id; LOG lines about this request use it as their object id.', example: 7 } satisfies FieldSpec;
const datastoreId = { type: 'integer', description: 'The datastore id.', example: 1 } satisfies FieldSpec;
const datastorePath = { type: 'string', description: "The datastore's folder.", example: '/var/lib/stratus/datastores/1' } satisfies FieldSpec;
const source = { type: 'string', description: "The image's file in the datastore (its SOURCE).", example: '/var/lib/stratus/datastores/1/7.qcow2' } satisfies FieldSpec;

/** Image drivers: manage image files in a datastore. */
export const IMAGE_ACTIONS = {
  REGISTER: action({
    summary: 'Copies a file or downloads a URL into the datastore, checks it and describes it.',
    request: {
      imageId,
      datastoreId,
      datastorePath,
      path: { type: 'string', description: 'A local path, or an http, https or file URL that the configuration allows.', example: 'https://images.example.org/debian.qcow2' },
      md5: { type: 'string', optional: true, description: 'Expected MD5 (hex); a mismatch fails the registration.', example: '9e107d9d372bb6826bd81d3542a419d6' },
      sha256: { type: 'string', optional: true, description: 'Expected SHA-256 (hex).', example: 'd7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592' },
    },
    reply: {
      source,
      format: { type: 'string', description: 'The format qemu-img reports: raw, qcow2, ...', example: 'qcow2' },
      sizeMb: { type: 'integer', description: 'Size of the file, in MiB (rounded up).', example: 12 },
      virtualSizeMb: { type: 'integer', description: 'Size of the disk the guest sees, in MiB.', example: 64 },
      md5: { type: 'string', description: 'MD5 of the file, hex.', example: '9e107d9d372bb6826bd81d3542a419d6' },
      sha256: { type: 'string', description: 'SHA-256 of the file, hex.', example: 'd7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592' },
    },
    timeoutSeconds: 3600,
  }),
  CLONE: action({
    summary: 'Copies an image within the datastore.',
    request: { imageId, datastorePath, source, targetImageId: { type: 'integer', description: 'The id of the new image.', example: 8 } },
    reply: { source },
    timeoutSeconds: 3600,
  }),
  DELETE: action({ summary: "Removes an image's file.", request: { imageId, datastorePath, source }, reply: {}, timeoutSeconds: 300 }),
  MKFS: action({
    summary: 'Creates an empty disk, optionally with a filesystem.',
    request: {
      imageId,
      datastorePath,
      sizeMb: { type: 'integer', description: 'Size, in MiB.', example: 1024 },
      format: { type: 'string', description: 'raw or qcow2.', example: 'qcow2' },
      fs: { type: 'string', optional: true, description: 'Filesystem to create (ext4, xfs, vfat); none when absent.', example: 'ext4' },
    },
    reply: { source, format: { type: 'string', description: 'The format written.', example: 'qcow2' } },
    timeoutSeconds: 600,
  }),
  MONITOR: action({
    summary: "Reports the datastore's capacity.",
    request: { datastoreId, datastorePath },
    reply: {
      totalMb: { type: 'integer', description: 'Capacity, in MiB.', example: 102400 },
      freeMb: { type: 'integer', description: 'Free space, in MiB.', example: 51200 },
      usedMb: { type: 'integer', description: 'Space used by images, in MiB.', example: 2048 },
    },
    timeoutSeconds: 60,
  }),
} as const;
