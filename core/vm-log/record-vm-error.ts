import { findInvalidXmlCharacter } from '../template/entries.js';
import type { Store } from '../pools/store.js';

/** Longest ERROR value stored, in characters. */
const MAX_ERROR_CHARS = 4096;

/** Makes text storable as a template value: characters XML forbids become U+FFFD, and "]]>" is broken up. */
export function templateValue(text: string): string {
  let value = text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}...` : text;
  for (let index = findInvalidXmlCharacter(value); index >= 0; index = findInvalidXmlCharacter(value)) {
    value = `${value.slice(0, index)}\uFFFD${value.slice(index + 1)}`;
  }
  return value.replaceAll(']]>', ']] >');
}

/**
 * Sets the VM's USER_TEMPLATE/ERROR to `TIME : message`, as OpenNebula records the
 * last failure of an operation on a VM, in one transaction. Returns false when the
 * VM does not exist (any more).
 */
export async function recordVmError(store: Store, vmId: number, message: string, time: Date): Promise<boolean> {
  return store.db.transaction(async (tx) => {
    const vm = await store.vms.get(tx, vmId);
    if (vm === undefined) return false;

    vm.userTemplate.set('ERROR', templateValue(`${time.toISOString()} : ${message}`));
    await store.vms.update(tx, vm);
    return true;
  });
}
