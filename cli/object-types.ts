import type { CallParam } from '../rpc/client/client.js';

/** The filter a listing sends: -2 everything the caller may use, -3 only the caller's own. */
export interface PoolFilter {
  mine: boolean;
}

/** Method and element names of one kind of object in the XML-RPC API. */
export interface ObjectType {
  /** The `stratus` subcommand, such as `vm`. */
  command: string;
  /** The name in messages, such as `virtual machine`, matching the server's wording. */
  label: string;
  /** The method prefix, such as `one.vm`. */
  prefix: string;
  poolMethod: string;
  /** The pool call's arguments after the session. */
  poolArgs(filter: PoolFilter): CallParam[];
  /** Whether the pool call takes a filter, so that `list --mine` means something. */
  filterable: boolean;
  poolRoot: string;
  /** The root element of one object, and of each entry in the pool. */
  element: string;
  /** Arguments `.info` gets after the id, as OpenNebula's CLI sends them (`decrypt` false). */
  infoArgs: CallParam[];
}

/** Pools that take `filter, start, end`: the whole id range, with OpenNebula's filter values. */
function rangePool(filter: PoolFilter): CallParam[] {
  return [filter.mine ? -3 : -2, -1, -1];
}

function noArguments(): CallParam[] {
  return [];
}

export const USER: ObjectType = {
  command: 'user',
  label: 'user',
  prefix: 'one.user',
  poolMethod: 'one.userpool.info',
  poolArgs: noArguments,
  filterable: false,
  poolRoot: 'USER_POOL',
  element: 'USER',
  infoArgs: [false],
};

export const GROUP: ObjectType = {
  command: 'group',
  label: 'group',
  prefix: 'one.group',
  poolMethod: 'one.grouppool.info',
  poolArgs: noArguments,
  filterable: false,
  poolRoot: 'GROUP_POOL',
  element: 'GROUP',
  infoArgs: [false],
};

export const ACL: ObjectType = {
  command: 'acl',
  label: 'ACL rule',
  prefix: 'one.acl',
  poolMethod: 'one.acl.info',
  poolArgs: noArguments,
  filterable: false,
  poolRoot: 'ACL_POOL',
  element: 'ACL',
  infoArgs: [],
};

export const HOST: ObjectType = {
  command: 'host',
  label: 'host',
  prefix: 'one.host',
  poolMethod: 'one.hostpool.info',
  poolArgs: noArguments,
  filterable: false,
  poolRoot: 'HOST_POOL',
  element: 'HOST',
  infoArgs: [false],
};

export const DATASTORE: ObjectType = {
  command: 'datastore',
  label: 'datastore',
  prefix: 'one.datastore',
  poolMethod: 'one.datastorepool.info',
  poolArgs: noArguments,
  filterable: false,
  poolRoot: 'DATASTORE_POOL',
  element: 'DATASTORE',
  infoArgs: [false],
};

export const IMAGE: ObjectType = {
  command: 'image',
  label: 'image',
  prefix: 'one.image',
  poolMethod: 'one.imagepool.info',
  poolArgs: rangePool,
  filterable: true,
  poolRoot: 'IMAGE_POOL',
  element: 'IMAGE',
  infoArgs: [false],
};

export const TEMPLATE: ObjectType = {
  command: 'template',
  label: 'virtual machine template',
  prefix: 'one.template',
  poolMethod: 'one.templatepool.info',
  poolArgs: rangePool,
  filterable: true,
  poolRoot: 'VMTEMPLATE_POOL',
  element: 'VMTEMPLATE',
  infoArgs: [false, false],
};

export const VNET: ObjectType = {
  command: 'vnet',
  label: 'virtual network',
  prefix: 'one.vn',
  poolMethod: 'one.vnpool.info',
  poolArgs: rangePool,
  filterable: true,
  poolRoot: 'VNET_POOL',
  element: 'VNET',
  infoArgs: [false],
};

/** VMs: the pool's fourth argument -1 lists every state except DONE. */
export const VM: ObjectType = {
  command: 'vm',
  label: 'virtual machine',
  prefix: 'one.vm',
  poolMethod: 'one.vmpool.info',
  poolArgs: (filter) => [...rangePool(filter), -1],
  filterable: true,
  poolRoot: 'VM_POOL',
  element: 'VM',
  infoArgs: [false],
};
