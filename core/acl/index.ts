/** Permissions, ACL rules and the authorization decision, following OpenNebula 6.10. */

export {
  type AuthObjectTypeName,
  findResourceType,
  INTERNAL_RESOURCE_TYPES,
  type InternalResourceTypeName,
  RESOURCE_TYPES,
  resourceTypeBit,
  resourceTypeNames,
  type ResourceTypeName,
  RULE_RESOURCE_TYPE_MASK,
} from './resource-types.js';
export {
  ACL_ID_MASK,
  ACL_MAX_ID,
  ACL_PART_FORMS,
  ACL_PART_SELECTORS,
  ACL_RIGHTS,
  ACL_SELECTOR_FLAGS,
  aclIdOf,
  type AclRightName,
  type AclRule,
  AclRuleError,
  type AclRulePart,
  type AclRuleSpec,
  type AclSelector,
  type AclSelectorPart,
  aclSelectorsOf,
  BOOTSTRAP_ACL_RULES,
  formatAclHex,
  makeAclPart,
  validateAclRule,
} from './rule.js';
export { aclRuleToText, parseAclRuleText } from './rule-text.js';
export { type AclRuleHex, aclRuleToHex, parseAclRuleHex, toAclHex } from './rule-hex.js';
export {
  ADMIN_BASE_PERMISSIONS,
  DEFAULT_BASE_PERMISSIONS,
  DEFAULT_UMASK,
  type PermissionBits,
  Permissions,
} from './permissions.js';
export {
  accessPredicate,
  type AuthDecision,
  type AuthItem,
  type AuthObject,
  type AuthObjectPredicate,
  authorize,
  canUsePredicate,
  isAdministrator,
  isBlockedByLock,
  LOCK_LEVELS,
  type Operation,
  OPERATION_BITS,
  type Requester,
  rulesFromPermissions,
  storedLockLevel,
} from './authorize.js';
