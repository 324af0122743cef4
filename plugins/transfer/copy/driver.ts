import type { ModuleDriverFactory } from '../../lib/driver-types.js';
import { cloneByCopy } from '../../lib/transfer/clone-disk.js';
import { createLocalTransferDriver } from '../../lib/transfer/transfer-driver.js';

/**
 * Transfer driver that gives every VM its own files: CLONE and LN both make a full
 * sparse copy, and MVDS copies a persistent disk back to its image.
 */
const createDriver: ModuleDriverFactory<'transfer'> = (context) => createLocalTransferDriver(context, { clone: cloneByCopy, link: cloneByCopy });

export default createDriver;
