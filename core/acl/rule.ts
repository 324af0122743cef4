/**
 * ACL rules in OpenNebula 6.10's 64-bit encoding, and the checks oned applies before storing one.
 * Each of the user, resource and zone parts contains a selector flag and an object id in its low
 * 32 bits. The resource part also contains one bit per resource type.
 */

import {
  INTERNAL_RESOURCE_TYPES,
  resourceTypeBit,
  type ResourceTypeName,
  RULE_RESOURCE_TYPE_MASK,
} from './resource-types.js';

export interface AclRule {
  id: number;
  user: bigint;
  resource: bigint;
  rights: bigint;
  zone: bigint;
}

export type AclRuleSpec = Omit<AclRule, 'id'>;

/** The part of a rule that an error is about. `rule` means the text as a whole. */
export type AclRulePart = 'rule' | 'user' | 'resource' | 'rights' | 'zone';

/** Selector characters of the text form: individual id, group id, all, cluster id. */
export type AclSelector = '#' | '@' | '*' | '%';

export type AclRightName = 'USE' | 'MANAGE' | 'ADMIN' | 'CREATE';

/** Selector flags, in the same place in the user, resource and zone parts. */
export const ACL_SELECTOR_FLAGS: Readonly<Record<AclSelector, bigint>> = Object.freeze({
  '#': 0x100000000n,
  '@': 0x200000000n,
  '*': 0x400000000n,
  '%': 0x800000000n,
});

/** Mask of the object id in the low 32 bits of the user, resource and zone parts. */
export const ACL_ID_MASK = 0xffffffffn;

/** Largest id a rule can hold. oned reads the low 32 bits as a signed int and rejects negatives. */
export const ACL_MAX_ID = 0x7fffffff;

/** The rights bits in the order OpenNebula renders them. */
export const ACL_RIGHTS: ReadonlyArray<{ name: AclRightName; bit: bigint }> = Object.freeze([
  { name: 'USE', bit: 0x1n },
  { name: 'MANAGE', bit: 0x2n },
  { name: 'ADMIN', bit: 0x4n },
  { name: 'CREATE', bit: 0x8n },
]);

const ALL_RIGHTS_MASK = 0xfn;

const SELECTOR_ORDER: readonly AclSelector[] = ['#', '@', '*', '%'];

const SELECTOR_FLAGS_MASK = 0xf00000000n;

const UINT64_LIMIT = 1n << 64n;

/** A rule part that contains a selector and an id. */
export type AclSelectorPart = 'user' | 'resource' | 'zone';

/** Selectors each part accepts, as OpenNebula's AclRule checks them. */
export const ACL_PART_SELECTORS = {
  user: ['#', '@', '*'],
  resource: ['#', '@', '*', '%'],
  zone: ['#', '*'],
} as const satisfies Record<AclSelectorPart, readonly AclSelector[]>;

/** The text forms each part accepts, for error messages. */
export const ACL_PART_FORMS = {
  user: '#<uid>, @<gid> or *',
  resource: '#<oid>, @<gid>, %<cluster_id> or *',
  zone: '#<zone_id> or *',
} as const satisfies Record<AclSelectorPart, string>;

/** Invalid ACL rule. `part` names the rule part at fault. */
export class AclRuleError extends Error {
  readonly part: AclRulePart;

  constructor(part: AclRulePart, message: string) {
    super(message);
    this.name = 'AclRuleError';
    this.part = part;
  }
}

/** Formats a rule part as 0x-prefixed hex for messages. */
export function formatAclHex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

/** Returns the selectors whose flags are set in `value`, in `#@*%` order. */
export function aclSelectorsOf(value: bigint): AclSelector[] {
  return SELECTOR_ORDER.filter((selector) => (value & ACL_SELECTOR_FLAGS[selector]) !== 0n);
}

/** Returns the object id in the low 32 bits of a user, resource or zone part. */
export function aclIdOf(value: bigint): number {
  return Number(value & ACL_ID_MASK);
}

/** Builds a user, resource or zone part from a selector and an id, without type bits. */
export function makeAclPart(selector: AclSelector, id = 0): bigint {
  if (!Number.isInteger(id) || id < 0 || id > ACL_MAX_ID) {
    throw new RangeError(`Invalid ACL id ${id}: use an integer from 0 to ${ACL_MAX_ID}.`);
  }
  return ACL_SELECTOR_FLAGS[selector] | BigInt(id);
}

/**
 * Checks a rule the way oned does before storing it, and throws AclRuleError naming the first
 * invalid part. The user part needs exactly one of #, @ or *. The resource part needs one of
 * #, @, % or * and at least one rule resource type. Rights may only contain the USE, MANAGE,
 * ADMIN and CREATE bits, and the zone part needs # or *. Ids are 0 to 2147483647, and the *
 * selector needs id 0.
 */
export function validateAclRule(spec: AclRuleSpec): void {
  validateSelectorPart('user', spec.user, 0n);
  validateResourcePart(spec.resource);
  validateRights(spec.rights);
  validateSelectorPart('zone', spec.zone, 0n);
}

function validateResourcePart(resource: bigint): void {
  const internalTypes = INTERNAL_RESOURCE_TYPES.filter((type) => (resource & type.bit) !== 0n);
  if (internalTypes.length > 0) {
    const names = internalTypes.map((type) => type.name).join(' and ');
    throw partError('resource', resource, `it contains the ${names} type, which rules cannot name`, 'Remove it.');
  }

  validateSelectorPart('resource', resource, RULE_RESOURCE_TYPE_MASK);

  if ((resource & RULE_RESOURCE_TYPE_MASK) === 0n) {
    throw partError('resource', resource, 'it names no resource type', 'Add at least one type, such as VM or IMAGE.');
  }
}

function validateSelectorPart(part: AclSelectorPart, value: bigint, typeBits: bigint): void {
  checkUint64(part, value);

  const allowed: readonly AclSelector[] = ACL_PART_SELECTORS[part];
  const present = aclSelectorsOf(value);
  const fix = `Use exactly one of ${ACL_PART_FORMS[part]}.`;

  const forbidden = present.filter((selector) => !allowed.includes(selector));
  if (forbidden.length > 0) {
    throw partError(part, value, `the ${forbidden.join(' ')} selector is not valid in this part`, fix);
  }
  if (present.length === 0) {
    throw partError(part, value, 'it has no selector', fix);
  }
  if (present.length > 1) {
    throw partError(part, value, `it sets several selectors (${present.join(' ')})`, fix);
  }

  const unknownBits = value & ~(ACL_ID_MASK | SELECTOR_FLAGS_MASK | typeBits);
  if (unknownBits !== 0n) {
    throw partError(part, value, `it contains unknown bits ${formatAclHex(unknownBits)}`, 'Clear them.');
  }

  checkId(part, value, present[0]);
}

function checkId(part: AclSelectorPart, value: bigint, selector: AclSelector): void {
  const id = aclIdOf(value);

  if (id > ACL_MAX_ID) {
    throw partError(part, value, `its id ${id} is out of range`, `Use an id from 0 to ${ACL_MAX_ID}.`);
  }
  if (selector === '*' && id !== 0) {
    throw partError(part, value, `the * selector has id ${id}`, 'Set the id to 0 when using *.');
  }
}

function validateRights(rights: bigint): void {
  checkUint64('rights', rights);

  const fix = 'Use one or more of USE (0x1), MANAGE (0x2), ADMIN (0x4) and CREATE (0x8).';
  if (rights === 0n) {
    throw partError('rights', rights, 'it grants no right', fix);
  }

  const unknownBits = rights & ~ALL_RIGHTS_MASK;
  if (unknownBits !== 0n) {
    throw partError('rights', rights, `it contains unknown bits ${formatAclHex(unknownBits)}`, fix);
  }
}

function checkUint64(part: AclRulePart, value: bigint): void {
  if (value < 0n || value >= UINT64_LIMIT) {
    throw new AclRuleError(
      part,
      `Invalid ACL rule ${part} part ${value}: it is not an unsigned 64-bit value. Use a value from 0 to 0xffffffffffffffff.`,
    );
  }
}

function partError(part: AclRulePart, value: bigint, problem: string, fix: string): AclRuleError {
  return new AclRuleError(part, `Invalid ACL rule ${part} part ${formatAclHex(value)}: ${problem}. ${fix}`);
}

function typeBits(...names: ResourceTypeName[]): bigint {
  return names.reduce((bits, name) => bits | resourceTypeBit(name), 0n);
}

/**
 * The rules oned creates in a new database: users of group 1 may create their own objects, and
 * everyone may use zones and marketplaces (0 to 2). Rules 3 to 5 come from the default VDC,
 * which contains group 1 and every cluster of zone 0, one rule per resource type with
 * oned.conf's default rights (DEFAULT_VDC_CLUSTER_HOST_ACL MANAGE, DEFAULT_VDC_CLUSTER_NET_ACL
 * and DEFAULT_VDC_CLUSTER_DATASTORE_ACL USE): without them users of group 1 could not
 * place an image in datastore 1.
 */
export const BOOTSTRAP_ACL_RULES: ReadonlyArray<Readonly<AclRule>> = Object.freeze([
  {
    id: 0,
    user: ACL_SELECTOR_FLAGS['@'] | 1n,
    resource:
      typeBits('VM', 'IMAGE', 'TEMPLATE', 'DOCUMENT', 'SECGROUP', 'VMGROUP', 'BACKUPJOB') | ACL_SELECTOR_FLAGS['*'],
    rights: 0x8n,
    zone: ACL_SELECTOR_FLAGS['*'],
  },
  {
    id: 1,
    user: ACL_SELECTOR_FLAGS['*'],
    resource: typeBits('ZONE') | ACL_SELECTOR_FLAGS['*'],
    rights: 0x1n,
    zone: ACL_SELECTOR_FLAGS['*'],
  },
  {
    id: 2,
    user: ACL_SELECTOR_FLAGS['*'],
    resource: typeBits('MARKETPLACE', 'MARKETPLACEAPP') | ACL_SELECTOR_FLAGS['*'],
    rights: 0x1n,
    zone: ACL_SELECTOR_FLAGS['*'],
  },
  {
    id: 3,
    user: ACL_SELECTOR_FLAGS['@'] | 1n,
    resource: typeBits('HOST') | ACL_SELECTOR_FLAGS['*'],
    rights: 0x2n,
    zone: ACL_SELECTOR_FLAGS['#'] | 0n,
  },
  {
    id: 4,
    user: ACL_SELECTOR_FLAGS['@'] | 1n,
    resource: typeBits('NET') | ACL_SELECTOR_FLAGS['*'],
    rights: 0x1n,
    zone: ACL_SELECTOR_FLAGS['#'] | 0n,
  },
  {
    id: 5,
    user: ACL_SELECTOR_FLAGS['@'] | 1n,
    resource: typeBits('DATASTORE') | ACL_SELECTOR_FLAGS['*'],
    rights: 0x1n,
    zone: ACL_SELECTOR_FLAGS['#'] | 0n,
  },
]);
