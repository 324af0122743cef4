import { Errors } from '../errors/catalogue.js';
import type { Template } from '../template/index.js';

const POSITIVE_DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;
const POSITIVE_INTEGER = /^\d+$/;

/**
 * Checks CPU (a positive number of physical CPUs, fractions allowed), MEMORY (MiB)
 * and the optional VCPU, as OpenNebula does before it accepts a VM.
 */
export function validateCapacity(template: Template): void {
  const memory = template.get('MEMORY');
  if (memory === undefined) {
    throw Errors.allocate('virtual machine', 'MEMORY is missing; give the memory in MiB, for example MEMORY = "512".');
  }
  if (!POSITIVE_INTEGER.test(memory) || Number(memory) <= 0) {
    throw Errors.allocate('virtual machine', `MEMORY must be a positive whole number of MiB, got "${memory}".`);
  }

  const cpu = template.get('CPU');
  if (cpu === undefined) {
    throw Errors.allocate('virtual machine', 'CPU is missing; give the share of physical CPUs, for example CPU = "1" or "0.5".');
  }
  if (!POSITIVE_DECIMAL.test(cpu) || Number(cpu) <= 0) {
    throw Errors.allocate('virtual machine', `CPU must be a positive number, got "${cpu}".`);
  }

  const vcpu = template.get('VCPU');
  if (vcpu !== undefined && (!POSITIVE_INTEGER.test(vcpu) || Number(vcpu) <= 0)) {
    throw Errors.allocate('virtual machine', `VCPU must be a positive whole number, got "${vcpu}".`);
  }
}
