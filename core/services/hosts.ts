import type { Requester } from '../auth/requester.js';
import { itemFor } from '../auth/authorizer.js';
import { hostDocument } from '../documents/object-documents.js';
import { Errors } from '../errors/catalogue.js';
import { HostState, type HostRecord } from '../pools/records/host-record.js';
import { Template } from '../template/index.js';
import { createItem } from './account-objects.js';
import type { CoreServices } from './core-services.js';
import { checkNewObjectName } from './names.js';
import { OwnedObjects } from './owned-objects.js';

const DEFAULT_CLUSTER = { id: 0, name: 'default' };

/** What `one.host.status` takes: 0 enabled, 1 disabled, 2 offline. */
const STATUS_TO_STATE: Record<number, HostState> = {
  0: HostState.INIT,
  1: HostState.DISABLED,
  2: HostState.OFFLINE,
};

/**
 * Returns why `name` is not a valid host name, or undefined when it is: 2 to 63
 * letters, digits, '-', '.' or '_', not starting with '-', '.' or '_', as OpenNebula
 * 6.10 requires (`hostname_is_valid` in HostPool.cc).
 */
function hostnameProblem(name: string): string | undefined {
  if (name.length < 2 || name.length > 63) return `it has ${name.length} characters; a host name needs 2 to 63`;
  if (/^[-._]/.test(name)) return `it cannot start with '${name[0]}'`;

  const invalid = /[^A-Za-z0-9._-]/.exec(name);
  if (invalid) return `it cannot contain ${JSON.stringify(invalid[0])}; use letters, digits, '-', '.' and '_'`;
  return undefined;
}

/**
 * Builds the template of a new host as OpenNebula 6.10 does: empty reservations (the
 * CPU and memory kept back from VMs) and the two drivers.
 */
function initialHostTemplate(imMad: string, vmMad: string): Template {
  const template = new Template();
  template.set('RESERVED_CPU', '');
  template.set('RESERVED_MEM', '');
  template.set('IM_MAD', imMad);
  template.set('VM_MAD', vmMad);
  return template;
}

/** Hypervisor hosts. Monitoring and placement come from the life-cycle manager. */
export class Hosts extends OwnedObjects<HostRecord> {
  constructor(services: CoreServices) {
    super(services, {
      pool: services.store.hosts,
      type: 'HOST',
      nameScope: 'pool',
      editableTemplate: 'template',
      nameRule: hostnameProblem,
    });
  }

  async allocate(requester: Requester, hostname: string, imMad: string, vmMad: string, clusterId: number): Promise<number> {
    checkNewObjectName('host', hostname, hostnameProblem);
    if (imMad === '' || vmMad === '') {
      throw Errors.allocate('host', 'The host needs an information driver and a VM driver, for example "qemu" and "qemu".');
    }
    if (clusterId !== -1 && clusterId !== DEFAULT_CLUSTER.id) {
      throw Errors.notFound('cluster', clusterId);
    }

    return this.services.store.db.transaction(async (tx) => {
      this.services.authorizer.check(requester, [createItem('HOST', requester.uid, requester.gid)]);
      await this.checkNewNameFree(tx, hostname, requester.uid);

      const id = await this.pool.nextId(tx);
      await this.pool.insert(tx, {
        id,
        uid: requester.uid,
        gid: requester.gid,
        uname: requester.uname,
        gname: requester.gname,
        name: hostname,
        permissions: this.newPermissions(requester),
        lock: null,
        state: HostState.INIT,
        prevState: HostState.INIT,
        imMad,
        vmMad,
        clusterId: DEFAULT_CLUSTER.id,
        cluster: DEFAULT_CLUSTER.name,
        share: { memUsage: 0, cpuUsage: 0, totalMem: 0, totalCpu: 0, maxMem: 0, maxCpu: 0, runningVms: 0 },
        vms: [],
        template: initialHostTemplate(imMad, vmMad),
        monitoring: null,
      });
      return id;
    });
  }

  async delete(requester: Requester, id: number): Promise<number> {
    return this.services.store.db.transaction(async (tx) => {
      const host = await this.pool.require(tx, id);
      this.services.authorizer.check(requester, [itemFor('HOST', host, 'ADMIN')], id);
      if (host.vms.length > 0) {
        throw Errors.action(
          `Host ${id} still runs ${host.vms.length === 1 ? 'VM' : 'VMs'} ${host.vms.join(', ')}; terminate or migrate ${host.vms.length === 1 ? 'it' : 'them'} first.`,
          id,
        );
      }
      await this.pool.delete(tx, id);
      return id;
    });
  }

  async status(requester: Requester, id: number, status: number): Promise<number> {
    const state = STATUS_TO_STATE[status];
    if (state === undefined) {
      throw Errors.badValue(`Wrong status ${status}: use 0 (enabled), 1 (disabled) or 2 (offline).`, id);
    }

    return this.modify(requester, id, 'ADMIN', (host) => {
      if (host.state === state) return;
      host.prevState = host.state;
      host.state = state;
    });
  }

  async info(requester: Requester, id: number): Promise<string> {
    return hostDocument(await this.read(requester, id));
  }

  async poolInfo(requester: Requester): Promise<string> {
    const hosts = await this.list(requester, { filter: -2, start: -1, end: -1 });
    return `<HOST_POOL>${hosts.map(hostDocument).join('')}</HOST_POOL>`;
  }
}
