import { mkdir } from 'node:fs/promises';
import type { DatastoreRecord } from '../pools/records/datastore-record.js';
import type { ImageRecord } from '../pools/records/image-record.js';
import type { CoreServices } from '../services/core-services.js';
import { BackgroundWork } from './background-work.js';
import { imageFailureMessage, type FailedImageStep } from './driver-failure.js';
import { recordImageError, recordImageReady, type ImageFileFacts } from './image-outcomes.js';

type RegistrationServices = Pick<CoreServices, 'store' | 'drivers' | 'log' | 'now'>;

/** Returns the template's value of `name`, or undefined when it is absent or empty. */
function nonEmpty(image: ImageRecord, name: string): string | undefined {
  const value = image.template.get(name);
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The asynchronous part of registering, cloning and deleting images. The API call
 * records the image as LOCKED and returns its id at once, as OpenNebula does. The
 * datastore's image driver (DS_MAD) then copies or creates the file, and the
 * outcome moves the image to READY, with SOURCE, FORMAT and SIZE from the driver, or
 * to ERROR, with the cause in the template's ERROR attribute.
 */
export class ImageRegistration {
  private readonly work: BackgroundWork;

  constructor(private readonly services: RegistrationServices) {
    this.work = new BackgroundWork(services.log);
  }

  /** Starts REGISTER of the image's PATH, or MKFS of an empty disk when it has no PATH. */
  register(image: ImageRecord, datastore: DatastoreRecord): void {
    const step: FailedImageStep = {
      operation: `Registering image ${image.id} in datastore ${datastore.id}`,
      retry: `delete image ${image.id} and register it again`,
      datastore,
    };
    const copy = image.path === '' ? () => this.createEmptyDisk(image, datastore) : () => this.copyPath(image, datastore);
    this.work.start({ step: 'image.register', imageId: image.id, datastoreId: datastore.id }, () => this.complete(image.id, step, copy));
  }

  /** Starts CLONE of the file of `source` into the LOCKED image `clone`. */
  clone(clone: ImageRecord, source: ImageRecord, datastore: DatastoreRecord): void {
    const step: FailedImageStep = {
      operation: `Cloning image ${source.id} into image ${clone.id}`,
      retry: `delete image ${clone.id} and clone image ${source.id} again`,
      datastore,
    };
    const copy = async (): Promise<ImageFileFacts> => {
      const request = { imageId: source.id, datastorePath: datastore.basePath, source: source.source, targetImageId: clone.id };
      return this.services.drivers.call('image', datastore.dsMad, 'CLONE', request, { objectId: clone.id });
    };
    this.work.start({ step: 'image.clone', imageId: clone.id, sourceImageId: source.id, datastoreId: datastore.id }, () => this.complete(clone.id, step, copy));
  }

  /**
   * Starts DELETE of a deleted image's file. The image record is already gone, so a
   * failure is only logged with the image id and SOURCE, and the file stays for an
   * operator to remove.
   */
  removeFile(image: ImageRecord, datastore: DatastoreRecord): void {
    const { log, drivers } = this.services;
    const fields = { imageId: image.id, datastoreId: datastore.id, driver: datastore.dsMad, source: image.source };

    this.work.start({ step: 'image.delete_file', ...fields }, async () => {
      try {
        await drivers.call('image', datastore.dsMad, 'DELETE', { imageId: image.id, datastorePath: datastore.basePath, source: image.source }, { objectId: image.id });
        log.info('image.file_deleted', fields);
      } catch (error) {
        log.warn('image.file_delete_failed', { ...fields, error: (error as Error).message });
      }
    });
  }

  /** Resolves once every registration, clone and deletion started so far has been recorded. */
  settled(): Promise<void> {
    return this.work.settled();
  }

  /** Number of registrations, clones and deletions still running. */
  get running(): number {
    return this.work.size;
  }

  private async copyPath(image: ImageRecord, datastore: DatastoreRecord): Promise<ImageFileFacts> {
    const request = {
      imageId: image.id,
      datastoreId: datastore.id,
      datastorePath: datastore.basePath,
      path: image.path,
      md5: nonEmpty(image, 'MD5'),
      sha256: nonEmpty(image, 'SHA256'),
    };
    const reply = await this.services.drivers.call('image', datastore.dsMad, 'REGISTER', request, { objectId: image.id });

    // SIZE is the virtual disk size, as in OpenNebula, so a sparse qcow2 reports more than its file takes.
    return { source: reply.source, format: reply.format, sizeMb: reply.virtualSizeMb, md5: reply.md5, sha256: reply.sha256 };
  }

  private async createEmptyDisk(image: ImageRecord, datastore: DatastoreRecord): Promise<ImageFileFacts> {
    const request = {
      imageId: image.id,
      datastorePath: datastore.basePath,
      sizeMb: image.size,
      format: image.format,
      fs: image.fs === '' ? undefined : image.fs,
    };
    const reply = await this.services.drivers.call('image', datastore.dsMad, 'MKFS', request, { objectId: image.id });
    return { source: reply.source, format: reply.format };
  }

  /** Creates the datastore folder, runs `copy` and records READY or ERROR. */
  private async complete(imageId: number, step: FailedImageStep, copy: () => Promise<ImageFileFacts>): Promise<void> {
    const { log, store } = this.services;
    const fields = { imageId, datastoreId: step.datastore.id, driver: step.datastore.dsMad };

    let facts: ImageFileFacts;
    try {
      await mkdir(step.datastore.basePath, { recursive: true, mode: 0o750 });
      facts = await copy();
    } catch (error) {
      await this.fail(imageId, step, error);
      return;
    }

    if (await recordImageReady(store, imageId, facts)) {
      log.info('image.ready', { ...fields, source: facts.source });
    } else {
      log.warn('image.outcome_not_recorded', { ...fields, source: facts.source, reason: 'the image is gone or no longer LOCKED; remove the file if no image uses it' });
    }
  }

  private async fail(imageId: number, step: FailedImageStep, error: unknown): Promise<void> {
    const { log, store, now } = this.services;
    const message = imageFailureMessage(error, step);
    const fields = { imageId, datastoreId: step.datastore.id, driver: step.datastore.dsMad };

    log.warn('image.register_failed', { ...fields, error: message });
    if (!(await recordImageError(store, imageId, message, now()))) {
      log.warn('image.outcome_not_recorded', { ...fields, reason: 'the image is gone or no longer LOCKED' });
    }
  }
}
