import type { SqlRunner } from '../db/database.js';
import { Errors } from '../errors/catalogue.js';
import type { VmRecord } from '../pools/records/vm-record.js';
import type { VnetRecord } from '../pools/records/vnet-record.js';
import type { Store } from '../pools/store.js';
import type { VectorAttribute } from '../template/index.js';
import { allocateLease, LeaseError, releaseLease, type LeaseRequest } from '../vnet/leases/index.js';

/** A NIC of a new VM with the virtual network it names. */
export interface ResolvedNic {
  nic: VectorAttribute;
  vnet: VnetRecord;
}

/** Returns a NIC attribute, or undefined when it is absent or empty. */
function nicValue(nic: VectorAttribute, name: string): string | undefined {
  const value = nic.get(name)?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Builds the lease request of a NIC from its IP, IP6, MAC and AR_ID. Throws ALLOCATE for an AR_ID that is no id. */
function leaseRequest(vmId: number, nicId: number, nic: VectorAttribute): LeaseRequest {
  const request: LeaseRequest = { vmId, nicId, nic };
  const ip = nicValue(nic, 'IP');
  const ip6 = nicValue(nic, 'IP6');
  const mac = nicValue(nic, 'MAC');
  if (ip !== undefined) request.ip = ip;
  if (ip6 !== undefined) request.ip6 = ip6;
  if (mac !== undefined) request.mac = mac;

  const arId = nicValue(nic, 'AR_ID');
  if (arId !== undefined) {
    if (!/^\d+$/.test(arId)) {
      throw Errors.allocate('virtual machine', `NIC ${nicId}: AR_ID must be an address range id, got "${arId}".`);
    }
    request.arId = Number(arId);
  }
  return request;
}

/**
 * Leases an address to each NIC of VM `vmId` inside `tx`, as OpenNebula does when it
 * allocates a VM. The NIC gets IP, MAC, AR_ID and the network attributes of the lease,
 * and each network is saved with its new leases. NICs on the same network lease from
 * one record, so they never get the same address. A lease that cannot be granted is
 * an ALLOCATE error with the lease's message, and the caller's transaction rolls back.
 */
export async function leaseNicAddresses(tx: SqlRunner, store: Store, vmId: number, nics: readonly ResolvedNic[]): Promise<void> {
  const leased = new Map<number, VnetRecord>();

  for (const [index, { nic, vnet: found }] of nics.entries()) {
    const vnet = leased.get(found.id) ?? found;
    const nicId = Number(nic.get('NIC_ID') ?? index);

    try {
      const allocation = allocateLease(vnet, leaseRequest(vmId, nicId, nic));
      for (const [name, value] of allocation.nicAttributes) nic.set(name, value);
    } catch (error) {
      if (error instanceof LeaseError) throw Errors.allocate('virtual machine', error.message);
      throw error;
    }
    leased.set(vnet.id, vnet);
  }

  for (const vnet of leased.values()) await store.vnets.update(tx, vnet);
}

function integerValue(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text) : undefined;
}

/**
 * Frees the addresses the VM's NICs leased, inside `tx`: each NIC's lease is found by
 * its NETWORK_ID, AR_ID and MAC. NICs without a lease, on a deleted network or whose
 * address is no longer leased to the VM are skipped, so a second release changes nothing.
 */
export async function releaseNicLeases(tx: SqlRunner, store: Store, vm: VmRecord): Promise<void> {
  const networks = new Map<number, VnetRecord | undefined>();
  const changed = new Set<VnetRecord>();

  for (const nic of vm.template.getVectors('NIC')) {
    const vnetId = integerValue(nic.get('NETWORK_ID'));
    const arId = integerValue(nic.get('AR_ID'));
    const mac = nicValue(nic, 'MAC');
    if (vnetId === undefined || arId === undefined || mac === undefined) continue;

    if (!networks.has(vnetId)) networks.set(vnetId, await store.vnets.get(tx, vnetId));
    const vnet = networks.get(vnetId);
    if (vnet !== undefined && releaseLease(vnet, vm.id, { arId, mac })) changed.add(vnet);
  }

  for (const vnet of changed) await store.vnets.update(tx, vnet);
}
