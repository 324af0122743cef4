import { findAction, type ActionSpec, type DriverKind } from '../drivers/protocol/index.js';
import { DriverError } from '../drivers/runtime/driver-error.js';
import type { DriverHandle } from '../drivers/runtime/driver-handle.js';
import type { RejectionCode } from './plugin-rejection.js';

/** The outcome of sending one action's example request to a driver. */
export interface ActionProbe {
  action: string;
  ok: boolean;
  /** The reply, such as "SUCCESS" or "FAILURE: no such host", or the reason the probe failed. */
  outcome: string;
  /** The rejection code when the probe failed. */
  code?: RejectionCode;
}

/** Builds a request from the `example` of every field of the action, optional ones included. */
export function exampleRequest(spec: ActionSpec): Record<string, unknown> {
  return Object.fromEntries(Object.entries(spec.request).map(([name, field]) => [name, field.example]));
}

function probeOutcome(action: string, error: unknown): ActionProbe {
  if (!(error instanceof DriverError)) return { action, ok: false, outcome: `the probe failed: ${String(error)}`, code: 'ACTION_INVALID_REPLY' };

  switch (error.code) {
    case 'FAILURE':
      return { action, ok: true, outcome: `FAILURE: ${error.detail}` };
    case 'TIMEOUT':
      return { action, ok: false, outcome: `no reply (${error.detail}); a driver must answer every action it claims with SUCCESS or FAILURE`, code: 'ACTION_NOT_ANSWERED' };
    case 'CRASHED':
      return { action, ok: false, outcome: error.detail, code: 'ACTION_CRASHED' };
    default:
      return { action, ok: false, outcome: `${error.code}: ${error.detail}`, code: 'ACTION_INVALID_REPLY' };
  }
}

/**
 * Sends each claimed action once, with the example request of the protocol
 * declaration, all at once. A SUCCESS or FAILURE reply passes; silence, a garbled
 * line, a reply that breaks the reply fields or a crash fails.
 *
 * The driver acts on these requests as on real ones (host "node1", VM 42, and so on),
 * so probing belongs on a test installation or to drivers whose actions fail
 * harmlessly on those examples.
 */
export async function probeActions(kind: DriverKind, driver: DriverHandle, actions: readonly string[], timeoutMs: number): Promise<ActionProbe[]> {
  return Promise.all(
    actions.map(async (action): Promise<ActionProbe> => {
      const spec = findAction(kind, action);
      if (spec === undefined) return { action, ok: false, outcome: `the ${kind} family has no action ${action}`, code: 'ACTION_INVALID_REPLY' };

      try {
        await driver.call(action, exampleRequest(spec), { objectId: -1, timeoutMs });
        return { action, ok: true, outcome: 'SUCCESS' };
      } catch (error) {
        return probeOutcome(action, error);
      }
    }),
  );
}
