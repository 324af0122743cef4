import type { ModuleDriverContext } from './driver-types.js';

/** Progress and warning lines about one object (an image or a VM), written to that object's log. */
export interface ObjectLog {
  info(text: string): void;
  warn(text: string): void;
}

export function objectLog(context: ModuleDriverContext, objectId: number): ObjectLog {
  return {
    info: (text) => context.log('I', objectId, text),
    warn: (text) => context.log('W', objectId, text),
  };
}
