import type { ModuleDriverFactory } from '../../lib/driver-types.js';
import { cloneByCopy, linkImage } from '../../lib/transfer/clone-disk.js';
import { createLocalTransferDriver } from '../../lib/transfer/transfer-driver.js';

/** Transfer driver for storage every host sees at the same path: CLONE copies, LN links. */
const createDriver: ModuleDriverFactory<'transfer'> = (context) => createLocalTransferDriver(context, { clone: cloneByCopy, link: linkImage });

export default createDriver;
