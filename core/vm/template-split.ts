import { Template } from '../template/index.js';

/**
 * Attributes that belong to a VM's system template, which the core owns and the
 * owner cannot edit with `one.vm.update`. Every other attribute goes to the user
 * template, as in OpenNebula.
 */
export const SYSTEM_ATTRIBUTES = new Set([
  'CPU', 'VCPU', 'MEMORY', 'DISK', 'NIC', 'NIC_ALIAS', 'NIC_DEFAULT', 'CONTEXT', 'OS', 'FEATURES',
  'GRAPHICS', 'INPUT', 'RAW', 'PCI', 'CPU_MODEL', 'TOPOLOGY', 'NUMA_NODE', 'HYPERVISOR', 'VIDEO',
  'MEMORY_RESIZE_MODE', 'SPICE_OPTIONS', 'TEMPLATE_ID', 'VMID', 'CPU_COST', 'MEMORY_COST', 'DISK_COST',
  'AUTOMATIC_REQUIREMENTS', 'AUTOMATIC_DS_REQUIREMENTS', 'AUTOMATIC_NIC_REQUIREMENTS',
  'SECURITY_GROUP_RULE', 'TM_MAD_SYSTEM', 'BACKUP_CONFIG',
]);

/** Splits a VM template into its system and user parts, keeping attribute order. */
export function splitVmTemplate(template: Template): { system: Template; user: Template } {
  const system = new Template();
  const user = new Template();
  for (const attribute of template.attributes()) {
    const target = SYSTEM_ATTRIBUTES.has(attribute.name) ? system : user;
    target.add(attribute.name, attribute.value);
  }
  return { system, user };
}
