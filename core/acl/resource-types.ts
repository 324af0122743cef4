/**
 * Resource type bits of OpenNebula 6.10 ACL rules. Each type is one bit of the 64-bit resource
 * part of a rule, above the selector flags and the 32-bit object id.
 */

export type ResourceTypeName =
  | 'VM'
  | 'HOST'
  | 'NET'
  | 'IMAGE'
  | 'USER'
  | 'TEMPLATE'
  | 'GROUP'
  | 'DATASTORE'
  | 'CLUSTER'
  | 'DOCUMENT'
  | 'ZONE'
  | 'SECGROUP'
  | 'VDC'
  | 'VROUTER'
  | 'MARKETPLACE'
  | 'MARKETPLACEAPP'
  | 'VMGROUP'
  | 'VNTEMPLATE'
  | 'BACKUPJOB';

/** Object types that OpenNebula authorizes but that no ACL rule may name. */
export type InternalResourceTypeName = 'ACL' | 'HOOK';

/** Any object type an authorization request can name. */
export type AuthObjectTypeName = ResourceTypeName | InternalResourceTypeName;

/** The resource types that ACL rules may name, in ascending bit order as OpenNebula renders them. */
export const RESOURCE_TYPES: ReadonlyArray<{ name: ResourceTypeName; bit: bigint }> = Object.freeze([
  { name: 'VM', bit: 0x1000000000n },
  { name: 'HOST', bit: 0x2000000000n },
  { name: 'NET', bit: 0x4000000000n },
  { name: 'IMAGE', bit: 0x8000000000n },
  { name: 'USER', bit: 0x10000000000n },
  { name: 'TEMPLATE', bit: 0x20000000000n },
  { name: 'GROUP', bit: 0x40000000000n },
  { name: 'DATASTORE', bit: 0x100000000000n },
  { name: 'CLUSTER', bit: 0x200000000000n },
  { name: 'DOCUMENT', bit: 0x400000000000n },
  { name: 'ZONE', bit: 0x800000000000n },
  { name: 'SECGROUP', bit: 0x1000000000000n },
  { name: 'VDC', bit: 0x2000000000000n },
  { name: 'VROUTER', bit: 0x4000000000000n },
  { name: 'MARKETPLACE', bit: 0x8000000000000n },
  { name: 'MARKETPLACEAPP', bit: 0x10000000000000n },
  { name: 'VMGROUP', bit: 0x20000000000000n },
  { name: 'VNTEMPLATE', bit: 0x40000000000000n },
  { name: 'BACKUPJOB', bit: 0x100000000000000n },
]);

/** Type bits that OpenNebula uses internally for ACL rules and hooks. Rules may not contain them. */
export const INTERNAL_RESOURCE_TYPES: ReadonlyArray<{ name: InternalResourceTypeName; bit: bigint }> =
  Object.freeze([
    { name: 'ACL', bit: 0x80000000000n },
    { name: 'HOOK', bit: 0x80000000000000n },
  ]);

/** All type bits that a rule may contain, OR-ed together. */
export const RULE_RESOURCE_TYPE_MASK: bigint = RESOURCE_TYPES.reduce((mask, type) => mask | type.bit, 0n);

const BIT_BY_NAME = new Map<string, bigint>(
  [...RESOURCE_TYPES, ...INTERNAL_RESOURCE_TYPES].map((type) => [type.name, type.bit]),
);

/** Returns the type bit of a rule resource type or of the internal ACL and HOOK types. */
export function resourceTypeBit(name: AuthObjectTypeName): bigint {
  const bit = BIT_BY_NAME.get(name);

  if (bit === undefined) {
    throw new RangeError(`Unknown resource type '${String(name)}': use a name from RESOURCE_TYPES, ACL or HOOK.`);
  }
  return bit;
}

/**
 * Looks up a rule resource type by name, ignoring case as the OpenNebula CLI does.
 * Returns undefined for unknown names and for the internal ACL and HOOK types.
 */
export function findResourceType(name: string): { name: ResourceTypeName; bit: bigint } | undefined {
  const upper = name.toUpperCase();
  return RESOURCE_TYPES.find((type) => type.name === upper);
}

/** Lists the names of the rule resource types whose bits are set in `resource`, in OpenNebula's order. */
export function resourceTypeNames(resource: bigint): ResourceTypeName[] {
  return RESOURCE_TYPES.filter((type) => (resource & type.bit) !== 0n).map((type) => type.name);
}
