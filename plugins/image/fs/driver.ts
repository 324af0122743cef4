import { actionFailure } from '../../lib/action-failure.js';
import type { ImageCloneRequest, ImageDeleteRequest, MkfsRequest, ModuleDriver, ModuleDriverFactory, MonitorRequest, RegisterRequest } from '../../lib/driver-types.js';
import { cloneImage, deleteImage, makeEmptyImage, monitorDatastore } from './datastore-actions.js';
import { beginImageCall, type ImageCall } from './image-call.js';
import { registerImage } from './register.js';

/**
 * Image driver for a datastore that is a folder on this machine: image files are
 * `<datastorePath>/<imageId>`, registered from allowed local folders or URLs.
 * Requests are cast to their exact types (see plugins/lib/driver-types.ts).
 */
const createDriver: ModuleDriverFactory<'image'> = (context): ModuleDriver<'image'> => {
  const stopping = new AbortController();

  async function run<T>(action: string, subject: string, logObjectId: number, work: (call: ImageCall) => Promise<T>): Promise<T> {
    try {
      return await work(beginImageCall(context, stopping.signal, subject, logObjectId));
    } catch (error) {
      throw actionFailure(action, subject, error);
    }
  }

  return {
    init(version: number): void {
      if (version !== 1) throw new Error(`the fs image driver speaks protocol 1, not ${version}; update the plugin`);
    },

    REGISTER(untyped) {
      const request = untyped as RegisterRequest;
      return run('REGISTER', `image ${request.imageId}`, request.imageId, (call) => registerImage(request, call));
    },

    CLONE(untyped) {
      const request = untyped as ImageCloneRequest;
      return run('CLONE', `image ${request.imageId}`, request.imageId, (call) => cloneImage(request, call));
    },

    DELETE(untyped) {
      const request = untyped as ImageDeleteRequest;
      return run('DELETE', `image ${request.imageId}`, request.imageId, (call) => deleteImage(request, call));
    },

    MKFS(untyped) {
      const request = untyped as MkfsRequest;
      return run('MKFS', `image ${request.imageId}`, request.imageId, (call) => makeEmptyImage(request, call));
    },

    MONITOR(untyped) {
      const request = untyped as MonitorRequest;
      return run('MONITOR', `datastore ${request.datastoreId}`, -1, (call) => monitorDatastore(request, call));
    },

    finalize(): void {
      stopping.abort();
    },
  };
};

export default createDriver;
