import { Errors } from '../errors/catalogue.js';
import type { Template } from '../template/index.js';

const POSITIVE_DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;
const POSITIVE_INTEGER = /^\d+$/;

/** Upper bounds that keep capacity sums exact and catch typing mistakes: 4 TiB of memory, 1024 CPUs. */
export const MAX_MEMORY_MB = 4 * 1024 * 1024;
export const MAX_CPUS = 1024;

/**
 * Checks CPU (a positive number of physical CPUs, fractions allowed), MEMORY (MiB)
 * and the optional VCPU, as OpenNebula does before it accepts a VM.
 */
export function validateCapacity(template: Template): void {
  const memory = template.get('MEMORY');
  if (memory === undefined) {
    throw Errors.allocate('virtual machine', 'MEMORY is missing; give the memory in MiB, for example MEMORY = "512".');
  }
  if (!POSITIVE_INTEGER.test(memory) || Number(memory) <= 0 || Number(memory) > MAX_MEMORY_MB) {
    throw Errors.allocate('virtual machine', `MEMORY must be a whole number of MiB from 1 to ${MAX_MEMORY_MB}, got "${memory}".`);
  }

  const cpu = template.get('CPU');
  if (cpu === undefined) {
    throw Errors.allocate('virtual machine', 'CPU is missing; give the share of physical CPUs, for example CPU = "1" or "0.5".');
  }
  if (!POSITIVE_DECIMAL.test(cpu) || Number(cpu) <= 0 || Number(cpu) > MAX_CPUS) {
    throw Errors.allocate('virtual machine', `CPU must be a positive number up to ${MAX_CPUS}, got "${cpu}".`);
  }

  const vcpu = template.get('VCPU');
  if (vcpu !== undefined && (!POSITIVE_INTEGER.test(vcpu) || Number(vcpu) <= 0 || Number(vcpu) > MAX_CPUS)) {
    throw Errors.allocate('virtual machine', `VCPU must be a whole number from 1 to ${MAX_CPUS}, got "${vcpu}".`);
  }
}
