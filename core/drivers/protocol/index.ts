import type { ActionSpec } from './action.js';
import { AUTH_ACTIONS } from './auth-actions.js';
import { IMAGE_ACTIONS } from './image-actions.js';
import { TRANSFER_ACTIONS } from './transfer-actions.js';
import { VMM_ACTIONS } from './vmm-actions.js';

export { action, type ActionSpec, type ReplyOf, type RequestOf } from './action.js';
export { checkMessage, type FieldSet, type FieldSpec, type FieldType, type MessageOf } from './fields.js';

/**
 * Protocol versions this core speaks. A driver's manifest lists the versions it
 * speaks; INIT carries the highest version both share.
 */
export const PROTOCOL_VERSIONS = [1] as const;

/** Every driver family and its actions: the single declaration the codec, docs and checks use. */
export const DRIVER_FAMILIES = {
  auth: AUTH_ACTIONS,
  vmm: VMM_ACTIONS,
  image: IMAGE_ACTIONS,
  transfer: TRANSFER_ACTIONS,
} as const;

export type DriverKind = keyof typeof DRIVER_FAMILIES;
export type ActionName<K extends DriverKind> = keyof (typeof DRIVER_FAMILIES)[K] & string;

export const DRIVER_KINDS = Object.keys(DRIVER_FAMILIES) as DriverKind[];

/** The specification of an action, or undefined when the family has no such action. */
export function findAction(kind: DriverKind, name: string): ActionSpec | undefined {
  const family = DRIVER_FAMILIES[kind] as Record<string, ActionSpec>;
  return Object.hasOwn(family, name) ? family[name] : undefined;
}
