import type { DriverKind } from '../protocol/index.js';

/**
 * Why a driver call failed. The driver manager raises nothing else, so callers can
 * switch on the code and show the message to the user as it is.
 */
export type DriverErrorCode =
  /** No plugin of that kind and name is installed. */
  | 'NOT_INSTALLED'
  /** A plugin of that kind and name exists but was rejected, or crashed too often to restart. */
  | 'BROKEN'
  /** The plugin does not claim the action, or the family has no such action. */
  | 'UNSUPPORTED_ACTION'
  /** The core built a request that does not match the protocol declaration. */
  | 'INVALID_REQUEST'
  /** The driver did not reply within the action's deadline. */
  | 'TIMEOUT'
  /** The driver process exited or broke the line format while the request was in flight. */
  | 'CRASHED'
  /** The driver replied FAILURE (or a module driver threw). */
  | 'FAILURE'
  /** The reply did not parse, or its payload does not match the action's reply fields. */
  | 'INVALID_REPLY'
  /** The driver was stopped (daemon shutdown or plugin unloaded) before it replied. */
  | 'STOPPED';

/** The driver, the action and the object a failed call was about. */
export interface DriverCallContext {
  kind: DriverKind;
  driver: string;
  action: string;
  /** The object the request is about (VM, image, user id), or -1. */
  objectId: number;
}

const FIXES: Record<DriverErrorCode, string> = {
  NOT_INSTALLED: 'install a plugin of that kind and name in a plugin folder, or name an installed driver',
  BROKEN: 'run "stratus plugin verify" on the plugin folder, fix what it reports, and the daemon reloads it',
  UNSUPPORTED_ACTION: 'use a driver whose plugin.json lists this action',
  INVALID_REQUEST: 'this is a bug in the core: report it with this message',
  TIMEOUT: 'check the driver log and the host, or raise the timeout for this action in plugin.json',
  CRASHED: 'check the daemon log for the driver output, then retry the operation',
  FAILURE: 'fix the cause the driver gives, then retry the operation',
  INVALID_REPLY: 'the driver does not follow the protocol: run "stratus plugin verify" on it and report it to its author',
  STOPPED: 'retry the operation once the driver is loaded again',
};

/** Describes the object a call was about, or nothing when it was about no object. */
function describeObject(objectId: number): string {
  return objectId >= 0 ? ` for object ${objectId}` : '';
}

/** A failed driver call, with the code, the call's context and what to do about it. */
export class DriverError extends Error {
  readonly code: DriverErrorCode;
  readonly context: DriverCallContext;
  /** What the user or operator can do about it. */
  readonly fix: string;
  /** The failure text alone, without the driver, the action and the fix around it. */
  readonly detail: string;

  constructor(code: DriverErrorCode, context: DriverCallContext, detail: string, options?: { cause?: unknown }) {
    const fix = FIXES[code];
    const subject = `${context.kind} driver "${context.driver}" ${context.action}${describeObject(context.objectId)}`;
    super(`${subject} failed (${code}): ${detail}; ${fix}`, options);
    this.name = 'DriverError';
    this.code = code;
    this.context = context;
    this.fix = fix;
    this.detail = detail;
  }
}

/** Whether a failed attempt of an action declared safe to retry may be tried again. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof DriverError)) return false;
  return error.code === 'TIMEOUT' || error.code === 'CRASHED' || error.code === 'FAILURE' || error.code === 'STOPPED';
}
