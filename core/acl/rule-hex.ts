/**
 * The wire form of ACL rules: each part as a hex string without `0x`. The OpenNebula CLI sends
 * these to one.acl.addrule, and one.acl.info returns them in lower case.
 */

import { AclRuleError, type AclRulePart, type AclRuleSpec, makeAclPart, validateAclRule } from './rule.js';

const HEX_TEXT = /^(?:0[xX])?([0-9a-fA-F]+)$/;

const UINT64_LIMIT = 1n << 64n;

/** The four parts of a rule as hex strings, as in the USER, RESOURCE, RIGHTS and ZONE elements of one.acl.info. */
export interface AclRuleHex {
  user: string;
  resource: string;
  rights: string;
  zone: string;
}

/**
 * Parses the hex parameters of one.acl.addrule, e.g. `('200000001', '9100000005', '3')`.
 * Without a zone the rule applies to zone `#<defaultZoneId>`. A `0x` prefix is accepted for
 * clients that add one. Throws AclRuleError for text that is not hex and for invalid rules.
 */
export function parseAclRuleHex(
  user: string,
  resource: string,
  rights: string,
  zone?: string,
  defaultZoneId = 0,
): AclRuleSpec {
  const spec: AclRuleSpec = {
    user: parseHexPart('user', user),
    resource: parseHexPart('resource', resource),
    rights: parseHexPart('rights', rights),
    zone: zone === undefined ? makeAclPart('#', defaultZoneId) : parseHexPart('zone', zone),
  };

  validateAclRule(spec);
  return spec;
}

/** Formats a rule part as lower-case hex without `0x`, as one.acl.info emits it. */
export function toAclHex(value: bigint): string {
  if (value < 0n || value >= UINT64_LIMIT) {
    throw new RangeError(`Cannot encode ${value} as an ACL part: use a value from 0 to 0xffffffffffffffff.`);
  }
  return value.toString(16);
}

/** Formats all four parts of a rule as lower-case hex without `0x`. */
export function aclRuleToHex(spec: AclRuleSpec): AclRuleHex {
  return {
    user: toAclHex(spec.user),
    resource: toAclHex(spec.resource),
    rights: toAclHex(spec.rights),
    zone: toAclHex(spec.zone),
  };
}

function parseHexPart(part: AclRulePart, text: string): bigint {
  const match = HEX_TEXT.exec(text);

  if (match === null) {
    throw new AclRuleError(
      part,
      `Invalid ACL rule ${part} '${text}': expected a hexadecimal number without 0x, such as '200000001'.`,
    );
  }

  const value = BigInt(`0x${match[1]}`);
  if (value >= UINT64_LIMIT) {
    throw new AclRuleError(part, `Invalid ACL rule ${part} '${text}': the value does not fit in 64 bits.`);
  }
  return value;
}
