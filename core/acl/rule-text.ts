/**
 * The text form of ACL rules, `USER RESOURCES RIGHTS [ZONE]`, as the OpenNebula CLI reads it
 * and as oned renders it in the STRING element of one.acl.info, e.g.
 * `@1 VM+IMAGE/#5 USE+MANAGE #0`.
 */

import { findResourceType, INTERNAL_RESOURCE_TYPES, resourceTypeNames, RESOURCE_TYPES } from './resource-types.js';
import {
  ACL_MAX_ID,
  ACL_PART_FORMS,
  ACL_PART_SELECTORS,
  ACL_RIGHTS,
  AclRuleError,
  type AclRuleSpec,
  type AclSelector,
  type AclSelectorPart,
  aclIdOf,
  aclSelectorsOf,
  makeAclPart,
  validateAclRule,
} from './rule.js';

const RULE_EXAMPLE = '@1 VM+IMAGE/#5 USE+MANAGE #0';

const SELECTOR_TEXT = /^(?:\*|([#@%])(\d+))$/;

/**
 * Parses a rule such as `@1 VM+IMAGE/#5 USE+MANAGE #0`. Type and right names ignore case, as in
 * the OpenNebula CLI. Without a zone field the rule applies to zone `#<defaultZoneId>`, as oned
 * does for one.acl.addrule without a zone. Throws AclRuleError for malformed text and for rules
 * that validateAclRule rejects.
 */
export function parseAclRuleText(text: string, defaultZoneId = 0): AclRuleSpec {
  const fields = text.trim().split(/\s+/);

  if (fields.length !== 3 && fields.length !== 4) {
    throw new AclRuleError(
      'rule',
      `Invalid ACL rule '${text}': expected 3 or 4 fields separated by spaces (USER RESOURCES RIGHTS [ZONE]), ` +
        `got ${fields[0] === '' ? 0 : fields.length}. Example: '${RULE_EXAMPLE}'.`,
    );
  }

  const [userText, resourceText, rightsText, zoneText] = fields;
  const spec: AclRuleSpec = {
    user: parseSelectorText('user', userText),
    resource: parseResourceText(resourceText),
    rights: parseRightsText(rightsText),
    zone: zoneText === undefined ? makeAclPart('#', defaultZoneId) : parseSelectorText('zone', zoneText),
  };

  validateAclRule(spec);
  return spec;
}

/**
 * Renders a rule in OpenNebula's text form, with types and rights in OpenNebula's order and the
 * zone always present. Throws AclRuleError if the rule is invalid.
 */
export function aclRuleToText(spec: AclRuleSpec): string {
  validateAclRule(spec);

  const user = selectorToText(spec.user);
  const types = resourceTypeNames(spec.resource).join('+');
  const rights = ACL_RIGHTS.filter((right) => (spec.rights & right.bit) !== 0n)
    .map((right) => right.name)
    .join('+');
  const zone = selectorToText(spec.zone);

  return `${user} ${types}/${selectorToText(spec.resource)} ${rights} ${zone}`;
}

function selectorToText(value: bigint): string {
  const selector = aclSelectorsOf(value)[0];
  return selector === '*' ? '*' : `${selector}${aclIdOf(value)}`;
}

function parseSelectorText(part: AclSelectorPart, token: string): bigint {
  const match = SELECTOR_TEXT.exec(token);
  const forms = ACL_PART_FORMS[part];

  if (match === null) {
    throw new AclRuleError(part, `Invalid ACL rule ${part} '${token}': expected ${forms}.`);
  }
  if (match[1] === undefined) {
    return makeAclPart('*');
  }

  const selector = match[1] as AclSelector;
  const allowed: readonly AclSelector[] = ACL_PART_SELECTORS[part];
  if (!allowed.includes(selector)) {
    throw new AclRuleError(part, `Invalid ACL rule ${part} '${token}': the ${selector} selector is not valid here. Use ${forms}.`);
  }

  const id = BigInt(match[2]);
  if (id > BigInt(ACL_MAX_ID)) {
    throw new AclRuleError(part, `Invalid ACL rule ${part} '${token}': id ${id} is out of range. Use an id from 0 to ${ACL_MAX_ID}.`);
  }
  return makeAclPart(selector, Number(id));
}

function parseResourceText(token: string): bigint {
  const pieces = token.split('/');

  if (pieces.length !== 2) {
    throw new AclRuleError(
      'resource',
      `Invalid ACL rule resource '${token}': expected TYPE[+TYPE...]/ID, such as VM+IMAGE/#5.`,
    );
  }

  const [typesText, idText] = pieces;
  let resource = 0n;
  for (const typeName of typesText.split('+')) {
    resource |= parseResourceType(token, typeName);
  }

  return resource | parseSelectorText('resource', idText);
}

function parseResourceType(token: string, typeName: string): bigint {
  const type = findResourceType(typeName);
  if (type !== undefined) {
    return type.bit;
  }

  const upper = typeName.toUpperCase();
  if (INTERNAL_RESOURCE_TYPES.some((internal) => internal.name === upper)) {
    throw new AclRuleError('resource', `Invalid ACL rule resource '${token}': rules cannot name the ${upper} type.`);
  }

  const validNames = RESOURCE_TYPES.map((valid) => valid.name).join(', ');
  const shown = typeName === '' ? 'an empty type' : `unknown type '${typeName}'`;
  throw new AclRuleError('resource', `Invalid ACL rule resource '${token}': ${shown}. Valid types: ${validNames}.`);
}

function parseRightsText(token: string): bigint {
  let rights = 0n;

  for (const name of token.split('+')) {
    const right = ACL_RIGHTS.find((candidate) => candidate.name === name.toUpperCase());
    if (right === undefined) {
      const shown = name === '' ? 'an empty right' : `unknown right '${name}'`;
      throw new AclRuleError(
        'rights',
        `Invalid ACL rule rights '${token}': ${shown}. Use USE, MANAGE, ADMIN or CREATE, joined with +.`,
      );
    }
    rights |= right.bit;
  }

  return rights;
}
