import type { ModuleDriverFactory } from '../../lib/driver-types.js';
import { cloneByOverlay, linkImage } from '../../lib/transfer/clone-disk.js';
import { createLocalTransferDriver } from '../../lib/transfer/transfer-driver.js';

/** Transfer driver that clones by qcow2 overlay on the image (copy-on-write); LN links the image. */
const createDriver: ModuleDriverFactory<'transfer'> = (context) => createLocalTransferDriver(context, { clone: cloneByOverlay, link: linkImage });

export default createDriver;
