import { Errors } from '../errors/catalogue.js';
import type { Template } from '../template/index.js';

/**
 * Attributes that only members of group oneadmin may set in a VM, because they name
 * files on the hosts or bypass the core's accounting. OpenNebula restricts a similar
 * list (VM_RESTRICTED_ATTR in oned.conf); Stratus adds the host paths a VM could read
 * through: a disk's SOURCE without an image, and the direct-boot kernel and initrd.
 */
export const RESTRICTED_VM_ATTRIBUTES: ReadonlyArray<readonly [string, string?]> = [
  ['CONTEXT', 'FILES'],
  ['DISK', 'SOURCE'],
  ['NIC', 'MAC'],
  ['NIC', 'PHYDEV'],
  ['NIC', 'VLAN_ID'],
  ['OS', 'KERNEL'],
  ['OS', 'INITRD'],
  ['RAW'],
  ['EMULATOR'],
  ['PCI'],
  ['CPU_COST'],
  ['MEMORY_COST'],
  ['DISK_COST'],
  ['USER_PRIORITY'],
];

/** Returns `VECTOR/NAME` or `NAME` of the first restricted attribute the template sets, if any. */
export function findRestrictedAttribute(template: Template): string | undefined {
  for (const [name, sub] of RESTRICTED_VM_ATTRIBUTES) {
    if (sub === undefined) {
      if (template.has(name)) return name;
      continue;
    }
    if (template.getVectors(name).some((vector) => vector.get(sub) !== undefined)) return `${name}/${sub}`;
  }
  return undefined;
}

/** Throws ALLOCATE when a template from a user outside group oneadmin sets a restricted attribute. */
export function checkRestrictedAttributes(template: Template): void {
  const found = findRestrictedAttribute(template);
  if (found) {
    throw Errors.allocate(
      'virtual machine',
      `${found} may only be set by group oneadmin; use a registered image or network instead, or ask an administrator.`,
    );
  }
}
