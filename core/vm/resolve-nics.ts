import type { AuthItem } from '../acl/index.js';
import { itemFor } from '../auth/authorizer.js';
import type { Requester } from '../auth/requester.js';
import type { SqlRunner } from '../db/database.js';
import { Errors } from '../errors/catalogue.js';
import type { VnetRecord } from '../pools/records/vnet-record.js';
import type { Store } from '../pools/store.js';
import type { Template, VectorAttribute } from '../template/index.js';
import type { ResolvedNic } from './nic-leases.js';

/** The NICs of a new VM with their networks, and the NET:USE items to authorise. */
export interface NicResolution {
  items: AuthItem[];
  /** Pass these to leaseNicAddresses once the VM has its id. */
  nics: ResolvedNic[];
}

async function findNetwork(tx: SqlRunner, store: Store, requester: Requester, nic: VectorAttribute, index: number): Promise<VnetRecord> {
  const byId = nic.get('NETWORK_ID');
  if (byId !== undefined) {
    if (!/^\d+$/.test(byId)) {
      throw Errors.allocate('virtual machine', `NIC ${index}: NETWORK_ID must be a network id, got "${byId}".`);
    }
    const vnet = await store.vnets.get(tx, Number(byId));
    if (!vnet) throw Errors.allocate('virtual machine', `NIC ${index}: virtual network ${byId} does not exist.`);
    return vnet;
  }

  const name = nic.get('NETWORK');
  if (name === undefined) {
    throw Errors.allocate('virtual machine', `NIC ${index}: name the network with NETWORK_ID or NETWORK.`);
  }
  let owner = requester.uid;
  const ownerName = nic.get('NETWORK_UNAME');
  if (ownerName !== undefined) {
    const user = await store.users.findByName(tx, ownerName);
    if (!user) throw Errors.allocate('virtual machine', `NIC ${index}: user ${ownerName} does not exist.`);
    owner = user.id;
  }
  const vnet = await store.vnets.findByName(tx, name, owner);
  if (!vnet) throw Errors.allocate('virtual machine', `NIC ${index}: no virtual network named "${name}" owned by user ${owner}.`);
  return vnet;
}

/**
 * Resolves each NIC to its virtual network and fills in NIC_ID, NETWORK_ID, NETWORK,
 * BRIDGE and VN_MAD. Returns the authorisation items (NET:USE) to check and the NICs
 * with their networks, which get their addresses from leaseNicAddresses.
 */
export async function resolveNics(tx: SqlRunner, store: Store, requester: Requester, template: Template): Promise<NicResolution> {
  const items: AuthItem[] = [];
  const nics: ResolvedNic[] = [];

  for (const [index, nic] of template.getVectors('NIC').entries()) {
    const vnet = await findNetwork(tx, store, requester, nic, index);
    nic.set('NIC_ID', String(index));
    nic.set('NETWORK_ID', String(vnet.id));
    nic.set('NETWORK', vnet.name);
    nic.set('NETWORK_UID', String(vnet.uid));
    nic.set('NETWORK_UNAME', vnet.uname);
    nic.set('BRIDGE', vnet.bridge);
    nic.set('VN_MAD', vnet.vnMad);
    items.push(itemFor('NET', vnet, 'USE'));
    nics.push({ nic, vnet });
  }
  return { items, nics };
}
