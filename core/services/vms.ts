import { isAdmin, type Requester } from '../auth/requester.js';
import { cachedDocument, cachedEscapedDocument } from '../documents/document-cache.js';
import { shortVmDocument, vmDocument } from '../documents/vm-documents.js';
import { Errors } from '../errors/catalogue.js';
import { LcmState, VmState, type VmRecord } from '../pools/records/vm-record.js';
import type { Template } from '../template/index.js';
import { validateCapacity } from '../vm/capacity-attributes.js';
import { escapeXmlText } from '../xml/escape.js';
import { EscapedXmlText } from '../xml/escaped-text.js';
import { checkRestrictedAttributes } from '../vm/restricted-attributes.js';
import { acquireImages, resolveDisks } from '../vm/resolve-disks.js';
import { leaseNicAddresses } from '../vm/nic-leases.js';
import { resolveNics } from '../vm/resolve-nics.js';
import { splitVmTemplate } from '../vm/template-split.js';
import { createItem } from './account-objects.js';
import type { CoreServices } from './core-services.js';
import { checkNewObjectName } from './names.js';
import { OwnedObjects, parseTemplateParam } from './owned-objects.js';
import type { PoolQuery } from './pool-listing.js';

/** The `state` argument of `one.vmpool.info`: -2 any, -1 any but DONE, or one state number. */
function stateCondition(state: number): { where?: string; params: number[] } {
  if (state === -2) return { params: [] };
  if (state === -1) return { where: 'state <> ?', params: [VmState.DONE] };
  if (state >= 0 && state <= 11 && state !== 7) return { where: 'state = ?', params: [state] };
  throw Errors.badValue(`Incorrect state ${state}: use -2 (any), -1 (any but DONE) or a VM state from 0 to 11.`);
}

export interface VmAllocation {
  template: Template;
  hold: boolean;
  /** Name to use instead of the template's NAME. */
  name?: string;
  /** Used for the default name `<prefix>-<id>`; OpenNebula uses "one" for plain allocations. */
  namePrefix?: string;
  /** The template comes from an administrator, so restricted attributes in it are accepted. */
  restrictedAllowed?: boolean;
}

/** Virtual machines as objects: creation, reading and editing. Running them is the life-cycle manager's. */
export class Vms extends OwnedObjects<VmRecord> {
  constructor(services: CoreServices) {
    super(services, { pool: services.store.vms, type: 'VM', nameScope: 'none', editableTemplate: 'userTemplate' });
  }

  async allocateFromText(requester: Requester, text: string, hold: boolean): Promise<number> {
    return this.allocate(requester, { template: parseTemplateParam(text), hold, namePrefix: 'one' });
  }

  /**
   * Creates a VM in PENDING (or HOLD) after checking VM:CREATE, IMAGE:USE and NET:USE.
   * Restricted attributes are refused unless the requester is in group oneadmin or
   * the request says they come from a template an administrator owns.
   */
  async allocate(requester: Requester, request: VmAllocation): Promise<number> {
    const template = request.template.clone();
    validateCapacity(template);
    if (!isAdmin(requester) && !request.restrictedAllowed) checkRestrictedAttributes(template);
    const explicitName = request.name ?? template.get('NAME');
    if (explicitName !== undefined && explicitName !== '') checkNewObjectName('virtual machine', explicitName);

    return this.services.store.db.transaction(async (tx) => {
      const disks = await resolveDisks(tx, this.services.store, requester, template);
      const nics = await resolveNics(tx, this.services.store, requester, template);
      this.services.authorizer.check(requester, [
        createItem('VM', requester.uid, requester.gid),
        ...disks.items,
        ...nics.items,
      ]);

      const id = await this.pool.nextId(tx);
      await leaseNicAddresses(tx, this.services.store, id, nics.nics);
      const name = explicitName !== undefined && explicitName !== '' ? explicitName : `${request.namePrefix ?? 'one'}-${id}`;
      template.remove('NAME');
      const { system, user } = splitVmTemplate(template);
      system.set('VMID', String(id));
      const state = request.hold ? VmState.HOLD : VmState.PENDING;

      await this.pool.insert(tx, this.newRecord(requester, id, name, state, system, user));
      await acquireImages(tx, this.services.store, id, disks.images);
      return id;
    });
  }

  async info(requester: Requester, id: number): Promise<string> {
    return cachedDocument(await this.read(requester, id), 'full', vmDocument);
  }

  /**
   * `one.vmpool.info` and `one.vmpool.infoextended`. The document is returned escaped and
   * in parts, one per VM, because with tens of thousands of VMs it is tens of megabytes.
   */
  async poolInfo(requester: Requester, query: PoolQuery, state: number, extended: boolean): Promise<EscapedXmlText> {
    const condition = stateCondition(state);
    const vms = await this.list(requester, { ...query, where: condition.where, params: condition.params });
    const kind = extended ? 'full' : 'short';
    const render = extended ? vmDocument : shortVmDocument;

    const parts = [escapeXmlText('<VM_POOL>')];
    for (const vm of vms) parts.push(cachedEscapedDocument(vm, kind, render));
    parts.push(escapeXmlText('</VM_POOL>'));
    return new EscapedXmlText(parts);
  }

  private newRecord(requester: Requester, id: number, name: string, state: VmState, system: Template, user: Template): VmRecord {
    return {
      id,
      uid: requester.uid,
      gid: requester.gid,
      uname: requester.uname,
      gname: requester.gname,
      name,
      permissions: this.newPermissions(requester),
      lock: null,
      lastPoll: 0,
      state,
      lcmState: LcmState.LCM_INIT,
      prevState: state,
      prevLcmState: LcmState.LCM_INIT,
      resched: 0,
      stime: this.services.now(),
      etime: 0,
      deployId: '',
      monitoring: {},
      template: system,
      userTemplate: user,
      history: [],
    };
  }
}
