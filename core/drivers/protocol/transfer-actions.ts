import { action } from './action.js';
import type { FieldSpec } from './fields.js';

const vmId = { type: 'integer', description: 'The VM id; LOG lines about this request use it as their object id.', example: 42 } satisfies FieldSpec;
const host = { type: 'string', description: 'The host the target path is on.', example: 'node1' } satisfies FieldSpec;
const source = { type: 'string', description: 'The image file in its datastore.', example: '/var/lib/stratus/datastores/1/7.qcow2' } satisfies FieldSpec;
const target = { type: 'string', description: 'The path on the host, in the VM folder.', example: '/var/lib/stratus/datastores/0/42/disk.0' } satisfies FieldSpec;

/** Transfer drivers: put disks and context media in place for a VM, and take them away. */
export const TRANSFER_ACTIONS = {
  CLONE: action({ summary: 'Gives the VM its own copy of an image (a full copy or a copy-on-write overlay).', request: { vmId, host, source, target }, reply: {}, timeoutSeconds: 3600 }),
  LN: action({ summary: "Lets the VM use the image's file itself (persistent images).", request: { vmId, host, source, target }, reply: {}, timeoutSeconds: 300 }),
  MV: action({
    summary: 'Moves a VM file or folder to another host or path.',
    request: {
      vmId,
      sourceHost: { type: 'string', description: 'Where the path is now.', example: 'node1' },
      source: { type: 'string', description: 'The path now.', example: '/var/lib/stratus/datastores/0/42' },
      host,
      target,
    },
    reply: {},
    timeoutSeconds: 3600,
  }),
  DELETE: action({ summary: 'Removes a VM file or folder from a host.', request: { vmId, host, target }, reply: {}, timeoutSeconds: 300 }),
  MKIMAGE: action({
    summary: 'Creates an empty disk for the VM (a volatile disk).',
    request: {
      vmId,
      host,
      target,
      sizeMb: { type: 'integer', description: 'Size, in MiB.', example: 1024 },
      format: { type: 'string', description: 'raw or qcow2.', example: 'raw' },
      fs: { type: 'string', optional: true, description: 'Filesystem to create; none when absent.', example: 'ext4' },
    },
    reply: {},
    timeoutSeconds: 600,
  }),
  CONTEXT: action({
    summary: 'Builds the context CD (ISO 9660 labelled CONTEXT with context.sh and the given files).',
    request: {
      vmId,
      host,
      target,
      values: { type: 'object', description: 'Variables for context.sh, written as KEY=\'value\' lines.', example: { HOSTNAME: 'vm-42', ETH0_IP: '10.0.0.2' } },
      files: { type: 'string[]', description: 'Files to add to the CD.', example: [] },
    },
    reply: {},
    timeoutSeconds: 120,
  }),
  MVDS: action({
    summary: "Copies a persistent disk back to its image's file in the datastore.",
    request: { vmId, host, source: target, target: source },
    reply: {},
    timeoutSeconds: 3600,
  }),
} as const;
