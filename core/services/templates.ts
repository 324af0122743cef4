import { isAdmin, type Requester } from '../auth/requester.js';
import { checkRestrictedAttributes } from '../vm/restricted-attributes.js';
import { itemFor } from '../auth/authorizer.js';
import { vmTemplateDocument } from '../documents/object-documents.js';
import { Errors } from '../errors/catalogue.js';
import type { TemplateRecord } from '../pools/records/template-record.js';
import { createItem } from './account-objects.js';
import type { CoreServices } from './core-services.js';
import { checkNewObjectName } from './names.js';
import { OwnedObjects, parseTemplateParam } from './owned-objects.js';
import type { PoolQuery } from './pool-listing.js';
import type { Vms } from './vms.js';

/** VM templates, and their instantiation into VMs. */
export class Templates extends OwnedObjects<TemplateRecord> {
  constructor(
    services: CoreServices,
    private readonly vms: Vms,
  ) {
    super(services, { pool: services.store.templates, type: 'TEMPLATE', nameScope: 'owner', editableTemplate: 'template' });
  }

  /**
   * Registers a VM template. Without NAME it is called `template-<id>`.
   * NOTE: OpenNebula 6.10 rejects a template without NAME instead.
   */
  async allocate(requester: Requester, text: string): Promise<number> {
    const template = parseTemplateParam(text);
    const givenName = template.get('NAME');
    if (givenName !== undefined) checkNewObjectName('virtual machine template', givenName);

    return this.services.store.db.transaction(async (tx) => {
      this.services.authorizer.check(requester, [createItem('TEMPLATE', requester.uid, requester.gid)]);
      if (givenName !== undefined) await this.checkNewNameFree(tx, givenName, requester.uid);

      const id = await this.pool.nextId(tx);
      // OpenNebula keeps the name out of the object's template.
      template.remove('NAME');
      await this.pool.insert(tx, this.newRecord(requester, id, givenName ?? `template-${id}`, template));
      return id;
    });
  }

  async clone(requester: Requester, id: number, name: string, recursive: boolean): Promise<number> {
    checkNewObjectName('virtual machine template', name);
    if (recursive) {
      throw Errors.action('Recursive clone (copying the images too) is not supported; clone the images separately.', id);
    }

    return this.services.store.db.transaction(async (tx) => {
      const source = await this.pool.require(tx, id);
      this.services.authorizer.check(requester, [
        itemFor('TEMPLATE', source, 'USE'),
        createItem('TEMPLATE', requester.uid, requester.gid),
      ], id);
      await this.checkNewNameFree(tx, name, requester.uid);

      const cloneId = await this.pool.nextId(tx);
      const template = source.template.clone();
      template.remove('NAME');
      await this.pool.insert(tx, this.newRecord(requester, cloneId, name, template));
      return cloneId;
    });
  }

  async delete(requester: Requester, id: number, recursive: boolean): Promise<number> {
    if (recursive) {
      throw Errors.action('Recursive delete (deleting the images too) is not supported; delete the images separately.', id);
    }
    return this.services.store.db.transaction(async (tx) => {
      const record = await this.pool.require(tx, id);
      this.services.authorizer.check(requester, [itemFor('TEMPLATE', record, 'MANAGE')], id);
      await this.pool.delete(tx, id);
      return id;
    });
  }

  /**
   * Creates a VM from the template. Attributes of `extraText` replace the template's
   * attributes of the same name. An empty `vmName` gives `<template name>-<vm id>`.
   */
  async instantiate(requester: Requester, id: number, vmName: string, hold: boolean, extraText: string): Promise<number> {
    const record = await this.pool.require(this.services.store.db, id);
    this.services.authorizer.check(requester, [itemFor('TEMPLATE', record, 'USE')], id);

    const template = record.template.clone();
    template.remove('NAME');
    if (extraText.trim() !== '') {
      const extra = parseTemplateParam(extraText, id);
      if (!isAdmin(requester)) checkRestrictedAttributes(extra);
      template.merge(extra);
    }
    template.set('TEMPLATE_ID', String(id));

    // Restricted attributes in a template that an administrator owns are the administrator's choice.
    const ownedByAdmin = record.uid === 0 || record.gid === 0;
    return this.vms.allocate(requester, {
      template,
      hold,
      name: vmName !== '' ? vmName : undefined,
      namePrefix: record.name,
      restrictedAllowed: ownedByAdmin,
    });
  }

  async info(requester: Requester, id: number): Promise<string> {
    return vmTemplateDocument(await this.read(requester, id));
  }

  async poolInfo(requester: Requester, query: PoolQuery): Promise<string> {
    const templates = await this.list(requester, query);
    return `<VMTEMPLATE_POOL>${templates.map(vmTemplateDocument).join('')}</VMTEMPLATE_POOL>`;
  }

  private newRecord(requester: Requester, id: number, name: string, template: TemplateRecord['template']): TemplateRecord {
    return {
      id,
      uid: requester.uid,
      gid: requester.gid,
      uname: requester.uname,
      gname: requester.gname,
      name,
      permissions: this.newPermissions(requester),
      lock: null,
      regtime: this.services.now(),
      template,
    };
  }
}
