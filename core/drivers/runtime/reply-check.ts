import { DriverError, type DriverCallContext } from './driver-error.js';
import { checkMessage, findAction } from './protocol-types.js';

/**
 * Checks a successful reply against the action's reply fields and returns it.
 * An empty reply (`-`, or `undefined` from a module) stands for `{}`. Throws an
 * INVALID_REPLY DriverError naming the field when the driver sent something else.
 */
export function checkReply(context: DriverCallContext, payload: unknown): Record<string, unknown> {
  const spec = findAction(context.kind, context.action);
  const reply = payload === undefined ? {} : payload;
  if (spec === undefined) {
    throw new DriverError('UNSUPPORTED_ACTION', context, `the ${context.kind} family has no action ${context.action}`);
  }

  const problem = checkMessage(spec.reply, reply);
  if (problem !== undefined) {
    throw new DriverError('INVALID_REPLY', context, `the SUCCESS reply does not match the protocol: ${problem}`);
  }
  return reply as Record<string, unknown>;
}
