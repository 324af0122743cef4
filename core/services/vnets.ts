import type { Requester } from '../auth/requester.js';
import { itemFor } from '../auth/authorizer.js';
import { vnetDocument } from '../documents/object-documents.js';
import { Errors } from '../errors/catalogue.js';
import type { VnetRecord } from '../pools/records/vnet-record.js';
import { VectorAttribute } from '../template/index.js';
import { addressRangeProblem, assignFirstMac, validateAddressRange } from '../vnet/address-range.js';
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

/** Virtual networks and their address ranges. Leases are handed out by the life-cycle manager. */
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
      if (vnet.usedLeases > 0) {
        throw Errors.action(`Virtual network ${id} has ${vnet.usedLeases} leases in use; release them first.`, id);
      }
      await this.pool.delete(tx, id);
      return id;
    });
  }

  async addAddressRange(requester: Requester, id: number, text: string): Promise<number> {
    const vectors = this.rangeVectors(text, id);
    const ranges = vectors.map((vector) => assignFirstMac(validateAddressRange(vector, id)));

    return this.modify(requester, id, 'ADMIN', (vnet) => {
      for (const attributes of ranges) {
        vnet.addressRanges.push({ id: vnet.nextAddressRangeId, attributes });
        vnet.nextAddressRangeId += 1;
      }
    });
  }

  async removeAddressRange(requester: Requester, id: number, rangeId: number): Promise<number> {
    return this.modify(requester, id, 'ADMIN', (vnet) => {
      if (!vnet.addressRanges.some((range) => range.id === rangeId)) {
        throw Errors.action(`Address range ${rangeId} does not exist in virtual network ${id}.`, id);
      }
      vnet.addressRanges = vnet.addressRanges.filter((range) => range.id !== rangeId);
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
        range.attributes = validateAddressRange(merged, id);
      }
    });
  }

  async info(requester: Requester, id: number): Promise<string> {
    return vnetDocument(await this.read(requester, id));
  }

  async poolInfo(requester: Requester, query: PoolQuery): Promise<string> {
    const vnets = await this.list(requester, query);
    return `<VNET_POOL>${vnets.map(vnetDocument).join('')}</VNET_POOL>`;
  }

  private rangeVectors(text: string, id: number): VectorAttribute[] {
    const vectors = parseTemplateParam(text, id).getVectors('AR');
    if (vectors.length === 0) {
      throw Errors.badValue('The template has no AR vector; write AR = [ TYPE = "IP4", IP = "10.0.0.1", SIZE = "16" ].', id);
    }
    return vectors;
  }
}
