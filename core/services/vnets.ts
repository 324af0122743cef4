import type { Requester } from '../auth/requester.js';
import { itemFor } from '../auth/authorizer.js';
import { vnetDocument } from '../documents/object-documents.js';
import { Errors } from '../errors/catalogue.js';
import type { AddressRange, VnetRecord } from '../pools/records/vnet-record.js';
import { VectorAttribute } from '../template/index.js';
import { addressRangeProblem, assignFirstMac, validateAddressRange } from '../vnet/address-range.js';
import { holdLease, LeaseError, networkUsedLeases, rangeUsedLeases, releaseHold, type AddressSelector } from '../vnet/leases/index.js';
import { rangeOverlapProblem, rangeShrinkProblem } from '../vnet/range-conflicts.js';
import { createItem } from './account-objects.js';
import type { CoreServices } from './core-services.js';
import { checkNewObjectName } from './names.js';
import { OwnedObjects, parseTemplateParam } from './owned-objects.js';
import type { PoolQuery } from './pool-listing.js';

/** Reads an AR vector of `one.vn.allocate`; an invalid range is an ALLOCATE error. */
function readNewRange(vector: VectorAttribute): Array<[string, string]> {
  const problem = addressRangeProblem(vector);
  if (problem !== undefined) throw Errors.allocate('virtual network', problem);
  return assignFirstMac(validateAddressRange(vector));
}

/** The LEASES attributes that name an address, with the AddressSelector field each one fills. */
const SELECTOR_ADDRESSES = [
  ['IP', 'ip'],
  ['IP6', 'ip6'],
  ['MAC', 'mac'],
] as const;

/**
 * Runs `change`, turning a LeaseError into an ACTION error with its message. A
 * LeaseError here means a stored range cannot be read, or a hold or release failed.
 */
function withLeaseErrors<T>(id: number, change: () => T): T {
  try {
    return change();
  } catch (error) {
    if (error instanceof LeaseError) throw Errors.action(`${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}`, id);
    throw error;
  }
}

/**
 * Virtual networks, their address ranges and held addresses. VMs lease addresses when
 * they are allocated (core/vm/nic-leases.ts) and free them when they reach DONE.
 */
export class Vnets extends OwnedObjects<VnetRecord> {
  constructor(services: CoreServices) {
    super(services, { pool: services.store.vnets, type: 'NET', nameScope: 'owner', editableTemplate: 'template' });
  }

  async allocate(requester: Requester, text: string, clusterId: number): Promise<number> {
    const template = parseTemplateParam(text);
    const name = template.get('NAME') ?? '';
    checkNewObjectName('virtual network', name);
    const vnMad = template.get('VN_MAD') ?? '';
    if (vnMad === '') {
      throw Errors.allocate('virtual network', 'VN_MAD is missing; name the network driver, for example VN_MAD = "bridge".');
    }
    if (clusterId !== -1 && clusterId !== 0) throw Errors.notFound('cluster', clusterId);

    const ranges = template.getVectors('AR').map((vector) => readNewRange(vector));
    template.remove('AR');
    // OpenNebula keeps the name out of the object's template.
    template.remove('NAME');

    return this.services.store.db.transaction(async (tx) => {
      this.services.authorizer.check(requester, [createItem('NET', requester.uid, requester.gid)]);
      await this.checkNewNameFree(tx, name, requester.uid);

      const id = await this.pool.nextId(tx);
      await this.pool.insert(tx, {
        id,
        uid: requester.uid,
        gid: requester.gid,
        uname: requester.uname,
        gname: requester.gname,
        name,
        permissions: this.newPermissions(requester),
        lock: null,
        clusterIds: [0],
        bridge: template.get('BRIDGE') ?? `onebr${id}`,
        vnMad,
        state: 1,
        prevState: 0,
        parentNetworkId: -1,
        vlanId: template.get('VLAN_ID') ?? '',
        usedLeases: 0,
        addressRanges: ranges.map((attributes, index) => ({ id: index, attributes })),
        nextAddressRangeId: ranges.length,
        template,
      });
      return id;
    });
  }

  async delete(requester: Requester, id: number): Promise<number> {
    return this.services.store.db.transaction(async (tx) => {
      const vnet = await this.pool.require(tx, id);
      this.services.authorizer.check(requester, [itemFor('NET', vnet, 'MANAGE')], id);
      const used = networkUsedLeases(vnet);
      if (used > 0) {
        throw Errors.action(
          `Virtual network ${id} has ${used} leases in use. Terminate the VMs that use them and free held addresses with one.vn.release first.`,
          id,
        );
      }
      await this.pool.delete(tx, id);
      return id;
    });
  }

  async addAddressRange(requester: Requester, id: number, text: string): Promise<number> {
    const vectors = this.rangeVectors(text, id);
    const ranges = vectors.map((vector) => assignFirstMac(validateAddressRange(vector, id)));

    return this.modify(requester, id, 'ADMIN', (vnet) => {
      const added: AddressRange[] = ranges.map((attributes, index) => ({ id: vnet.nextAddressRangeId + index, attributes }));
      const overlap = withLeaseErrors(id, () => rangeOverlapProblem(vnet, added));
      if (overlap !== undefined) throw Errors.action(overlap, id);

      vnet.addressRanges.push(...added);
      vnet.nextAddressRangeId += added.length;
    });
  }

  async removeAddressRange(requester: Requester, id: number, rangeId: number): Promise<number> {
    return this.modify(requester, id, 'ADMIN', (vnet) => {
      const range = vnet.addressRanges.find((candidate) => candidate.id === rangeId);
      if (range === undefined) {
        throw Errors.action(`Address range ${rangeId} does not exist in virtual network ${id}.`, id);
      }

      const used = rangeUsedLeases(range);
      if (used > 0) {
        throw Errors.action(
          `Address Range has leases in use: address range ${rangeId} of virtual network ${id} has ${used} leased or held addresses. ` +
            'Terminate the VMs that use them and free held addresses with one.vn.release first.',
          id,
        );
      }
      vnet.addressRanges = vnet.addressRanges.filter((candidate) => candidate.id !== rangeId);
    });
  }

  /** Updates the attributes of existing ranges named by AR_ID; TYPE, IP and MAC cannot change. */
  async updateAddressRange(requester: Requester, id: number, text: string): Promise<number> {
    const vectors = this.rangeVectors(text, id);

    return this.modify(requester, id, 'MANAGE', (vnet) => {
      for (const vector of vectors) {
        const rangeId = Number(vector.get('AR_ID') ?? 'NaN');
        const range = vnet.addressRanges.find((candidate) => candidate.id === rangeId);
        if (!range) {
          throw Errors.action(`Address range ${vector.get('AR_ID') ?? '(no AR_ID)'} does not exist in virtual network ${id}; give AR_ID.`, id);
        }

        const merged = new VectorAttribute(range.attributes);
        for (const [name, value] of vector.entries()) {
          if (!['AR_ID', 'TYPE', 'IP', 'MAC'].includes(name)) merged.set(name, value);
        }
        const attributes = validateAddressRange(merged, id);
        const shrink = withLeaseErrors(id, () => rangeShrinkProblem(vnet, range, Number(merged.get('SIZE'))));
        if (shrink !== undefined) throw Errors.action(shrink, id);
        range.attributes = attributes;
      }
    });
  }

  /** Puts the address that the template's LEASES vector names on hold (`one.vn.hold`), so that no NIC gets it. */
  async hold(requester: Requester, id: number, text: string): Promise<number> {
    const selector = this.leaseSelector(text, id);
    return this.modify(requester, id, 'MANAGE', (vnet) => {
      withLeaseErrors(id, () => holdLease(vnet, selector));
    });
  }

  /** Frees a held address (`one.vn.release`). An address that is not on hold is left as it is, as in OpenNebula. */
  async release(requester: Requester, id: number, text: string): Promise<number> {
    const selector = this.leaseSelector(text, id);
    return this.modify(requester, id, 'MANAGE', (vnet) => {
      withLeaseErrors(id, () => releaseHold(vnet, selector));
    });
  }

  async info(requester: Requester, id: number): Promise<string> {
    return vnetDocument(await this.read(requester, id), { extended: true });
  }

  async poolInfo(requester: Requester, query: PoolQuery): Promise<string> {
    const vnets = await this.list(requester, query);
    return `<VNET_POOL>${vnets.map((vnet) => vnetDocument(vnet)).join('')}</VNET_POOL>`;
  }

  /** Reads the LEASES vector of `one.vn.hold` and `one.vn.release`: IP, IP6 or MAC, and optionally AR_ID. */
  private leaseSelector(text: string, id: number): AddressSelector {
    const lease = parseTemplateParam(text, id).getVector('LEASES');
    if (lease === undefined) {
      throw Errors.badValue('The template has no LEASES vector; write LEASES = [ IP = "10.0.0.5" ].', id);
    }

    const selector: AddressSelector = {};
    for (const [attribute, key] of SELECTOR_ADDRESSES) {
      const value = lease.get(attribute);
      if (value !== undefined && value !== '') selector[key] = value;
    }

    const arId = lease.get('AR_ID');
    if (arId !== undefined && arId !== '') {
      if (!/^\d+$/.test(arId.trim())) throw Errors.badValue(`LEASES AR_ID must be an address range id, got "${arId}".`, id);
      selector.arId = Number(arId);
    }
    return selector;
  }

  private rangeVectors(text: string, id: number): VectorAttribute[] {
    const vectors = parseTemplateParam(text, id).getVectors('AR');
    if (vectors.length === 0) {
      throw Errors.badValue('The template has no AR vector; write AR = [ TYPE = "IP4", IP = "10.0.0.1", SIZE = "16" ].', id);
    }
    return vectors;
  }
}
