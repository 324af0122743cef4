import { AclRules } from './acl-rules.js';
import type { CoreServices } from './core-services.js';
import { Datastores } from './datastores.js';
import { Groups } from './groups.js';
import { Hosts } from './hosts.js';
import { Images } from './images.js';
import { Templates } from './templates.js';
import { Users } from './users.js';
import { Vms } from './vms.js';
import { Vnets } from './vnets.js';

/** The operations behind the XML-RPC API, one service per object type. */
export class CoreApi {
  readonly users: Users;
  readonly groups: Groups;
  readonly acl: AclRules;
  readonly hosts: Hosts;
  readonly datastores: Datastores;
  readonly images: Images;
  readonly vms: Vms;
  readonly templates: Templates;
  readonly vnets: Vnets;

  constructor(readonly services: CoreServices) {
    this.users = new Users(services);
    this.groups = new Groups(services);
    this.acl = new AclRules(services);
    this.hosts = new Hosts(services);
    this.datastores = new Datastores(services);
    this.images = new Images(services);
    this.vms = new Vms(services);
    this.templates = new Templates(services, this.vms);
    this.vnets = new Vnets(services);
  }
}
