import { DriverError } from '../drivers/runtime/driver-error.js';
import type { DatastoreRecord } from '../pools/records/datastore-record.js';

/** A failed step of an image's registration, for the message stored in its ERROR attribute. */
export interface FailedImageStep {
  /** The operation that failed, such as "Registering image 3 in datastore 1". */
  operation: string;
  /** The user's steps to try again, such as "delete image 3 and register it again". */
  retry: string;
  datastore: DatastoreRecord;
}

/** Explains a missing image driver: which one, where the daemon looked and how to install it. */
function notInstalledMessage(error: DriverError, step: FailedImageStep): string {
  const { datastore } = step;
  return (
    `${step.operation} failed: the image driver "${datastore.dsMad}" named by DS_MAD of datastore ${datastore.id} is not installed ` +
    `(${error.detail}). Install an image plugin named "${datastore.dsMad}" in one of the plugin folders ` +
    `(the shipped fs driver is built into dist/plugins/image by "npm run build"), or use a datastore whose driver is installed; then ${step.retry}.`
  );
}

/** Driver error codes whose generic fix is only to retry, so the image's own retry steps replace it. */
const RETRY_ONLY_CODES: ReadonlySet<string> = new Set(['FAILURE', 'STOPPED', 'CRASHED']);

/** Builds the message of a failed image step: the operation, the cause and how to retry. */
export function imageFailureMessage(error: unknown, step: FailedImageStep): string {
  if (!(error instanceof DriverError)) {
    const cause = error instanceof Error ? error.message : String(error);
    return `${step.operation} failed: ${cause}. To retry, ${step.retry}.`;
  }
  if (error.code === 'NOT_INSTALLED') return notInstalledMessage(error, step);

  const { driver, action } = error.context;
  const fix = RETRY_ONLY_CODES.has(error.code) ? '' : `${error.fix}, then `;
  return `${step.operation} failed: the image driver "${driver}" ${action} failed (${error.code}): ${error.detail}. To retry, ${fix}${step.retry}.`;
}
