import t, { type Test } from 'tap';
import { VmState } from '../../core/pools/records/vm-record.js';
import { startTestDaemon } from '../helpers/daemon.js';
import { allowImageFolder, registerReadyImage } from '../helpers/images.js';
import type { OneClient } from '../../rpc/client/client.js';
import {
  apiError,
  createNetwork,
  createOutsider,
  createUser,
  ErrorCode,
  faultCode,
  find,
  findAll,
  parseXml,
  poolIds,
  setVmState,
  textAt,
  vmTemplate,
} from '../helpers/objects.js';

/** A folder the fs image driver may register files from, for every test of this file. */
const imageFolder = allowImageFolder(t);

/** Registers a small file of the image folder as image `name` and waits until it is READY. */
async function registerImage(client: OneClient, name: string, extra = ''): Promise<number> {
  return registerReadyImage(client, imageFolder, name, extra);
}

/** The nine `chmod` arguments that give the owner's group USE. */
const GROUP_MAY_USE = [-1, -1, -1, 1, -1, -1, -1, -1, -1];

/** Starts a daemon with users alice (uid 2) and bob (uid 3) in group users. */
async function site(t: Test) {
  const daemon = await startTestDaemon(t);
  const alice = await createUser(daemon, 'alice');
  const bob = await createUser(daemon, 'bob');
  return { daemon, admin: daemon.admin, alice, bob };
}

t.test('one.vm.allocate', async (t) => {
  t.test('creates a PENDING VM', async (t) => {
    const { alice } = await site(t);

    const id = await alice.call<number>('one.vm.allocate', vmTemplate());

    const vm = await alice.call<string>('one.vm.info', id);
    t.equal(id, 0);
    t.equal(textAt(vm, 'NAME'), 'one-0');
    t.equal(textAt(vm, 'UNAME'), 'alice');
    t.equal(textAt(vm, 'STATE'), '1');
    t.equal(textAt(vm, 'LCM_STATE'), '0');
    t.equal(textAt(vm, 'TEMPLATE/VMID'), '0');
  });

  t.test('creates a HOLD VM on request', async (t) => {
    const { alice } = await site(t);

    const heldVm = await alice.call<number>('one.vm.allocate', vmTemplate(), true);
    const pendingVm = await alice.call<number>('one.vm.allocate', vmTemplate(), false);

    t.equal(textAt(await alice.call<string>('one.vm.info', heldVm), 'STATE'), '2');
    t.equal(textAt(await alice.call<string>('one.vm.info', pendingVm), 'STATE'), '1');
  });

  t.test('takes NAME from the template', async (t) => {
    const { alice } = await site(t);

    const id = await alice.call<number>('one.vm.allocate', vmTemplate('NAME = "worker"'));

    t.equal(textAt(await alice.call<string>('one.vm.info', id), 'NAME'), 'worker');
  });

  t.test('splits system and user attributes', async (t) => {
    const { alice } = await site(t);

    const id = await alice.call<number>('one.vm.allocate', vmTemplate('DESCRIPTION = "batch job"'));

    const vm = await alice.call<string>('one.vm.info', id);
    t.equal(textAt(vm, 'TEMPLATE/CPU'), '1');
    t.equal(textAt(vm, 'TEMPLATE/MEMORY'), '64');
    t.equal(textAt(vm, 'USER_TEMPLATE/DESCRIPTION'), 'batch job');
    t.equal(textAt(vm, 'USER_TEMPLATE/CPU'), undefined);
  });

  t.test('needs CPU and MEMORY', async (t) => {
    const { alice } = await site(t);

    const noCpu = await apiError(alice.call('one.vm.allocate', 'MEMORY = "64"'));
    const noMemory = await apiError(alice.call('one.vm.allocate', 'CPU = "1"'));
    const badMemory = await apiError(alice.call('one.vm.allocate', 'CPU = "1"\nMEMORY = "lots"'));

    t.equal(noCpu.code, ErrorCode.ALLOCATE);
    t.match(noCpu.message, /^\[one\.vm\.allocate\] Error allocating a new virtual machine\. CPU is missing/);
    t.equal(noMemory.code, ErrorCode.ALLOCATE);
    t.equal(badMemory.code, ErrorCode.ALLOCATE);
  });

  t.test('rejects an invalid name', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.vm.allocate', vmTemplate('NAME = "a#b"')))).code, ErrorCode.ALLOCATE);
  });

  t.test('rejects a syntax error', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.vm.allocate', 'CPU = "1'))).code, ErrorCode.XML_RPC_API);
  });

  t.test('needs VM CREATE', async (t) => {
    const daemon = await startTestDaemon(t);
    const carol = await createOutsider(daemon, 'carol');

    const error = await apiError(carol.call('one.vm.allocate', vmTemplate()));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
  });

  t.test('faults on a string hold flag', async (t) => {
    const { alice } = await site(t);

    t.equal(await faultCode(alice.call('one.vm.allocate', vmTemplate(), 'yes')), -501);
  });
});

t.test('one.vm.allocate disks', async (t) => {
  t.test('IMAGE_ID attaches the image', async (t) => {
    const { admin, alice } = await site(t);
    const imageId = await registerImage(alice, 'base');

    const vmId = await alice.call<number>('one.vm.allocate', vmTemplate(`DISK = [ IMAGE_ID = "${imageId}" ]`));

    const image = await admin.call<string>('one.image.info', imageId);
    const vm = await alice.call<string>('one.vm.info', vmId);
    t.equal(textAt(image, 'RUNNING_VMS'), '1');
    t.equal(textAt(image, 'VMS/ID'), String(vmId));
    t.equal(textAt(image, 'STATE'), '2');
    t.equal(textAt(vm, 'TEMPLATE/DISK/DISK_ID'), '0');
    t.equal(textAt(vm, 'TEMPLATE/DISK/IMAGE'), 'base');
    t.equal(textAt(vm, 'TEMPLATE/DISK/SOURCE'), textAt(image, 'SOURCE'));
    t.match(textAt(image, 'SOURCE'), /\/datastores\/1\/0$/);
    t.equal(textAt(vm, 'TEMPLATE/DISK/CLONE'), 'YES');
  });

  t.test('IMAGE finds the caller\'s image', async (t) => {
    const { admin, alice } = await site(t);
    const imageId = await registerImage(alice, 'base');

    await alice.call('one.vm.allocate', vmTemplate('DISK = [ IMAGE = "base" ]'));

    t.equal(textAt(await admin.call<string>('one.image.info', imageId), 'RUNNING_VMS'), '1');
  });

  t.test('IMAGE_UNAME finds a shared image', async (t) => {
    const { alice, bob } = await site(t);
    const imageId = await registerImage(bob, 'tools');
    await bob.call('one.image.chmod', imageId, ...GROUP_MAY_USE);

    const vmId = await alice.call<number>('one.vm.allocate', vmTemplate('DISK = [ IMAGE = "tools", IMAGE_UNAME = "bob" ]'));

    t.equal(textAt(await alice.call<string>('one.vm.info', vmId), 'TEMPLATE/DISK/IMAGE_ID'), String(imageId));
  });

  t.test('counts each VM once per image', async (t) => {
    const { admin, alice } = await site(t);
    const imageId = await registerImage(alice, 'base');
    const twice = `DISK = [ IMAGE_ID = "${imageId}" ]\nDISK = [ IMAGE_ID = "${imageId}" ]`;

    const first = await alice.call<number>('one.vm.allocate', vmTemplate(twice));
    const second = await alice.call<number>('one.vm.allocate', vmTemplate(twice));

    const image = parseXml(await admin.call<string>('one.image.info', imageId));
    t.equal(find(image, 'RUNNING_VMS').text, '2');
    t.same(findAll(image, 'VMS/ID').map((node) => node.text), [String(first), String(second)]);
  });

  t.test('refuses a missing image', async (t) => {
    const { alice } = await site(t);

    const byId = await apiError(alice.call('one.vm.allocate', vmTemplate('DISK = [ IMAGE_ID = "9" ]')));
    const byName = await apiError(alice.call('one.vm.allocate', vmTemplate('DISK = [ IMAGE = "nothing" ]')));

    t.equal(byId.code, ErrorCode.ALLOCATE);
    t.equal(byName.code, ErrorCode.ALLOCATE);
  });

  t.test('needs IMAGE USE', async (t) => {
    const { alice, bob } = await site(t);
    const imageId = await registerImage(bob, 'private');

    const error = await apiError(alice.call('one.vm.allocate', vmTemplate(`DISK = [ IMAGE_ID = "${imageId}" ]`)));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
    t.match(error.message, /USE IMAGE \[0\]/);
  });

  t.test('refuses a persistent image in use', async (t) => {
    const { admin, alice } = await site(t);
    const imageId = await registerImage(alice, 'data', 'PERSISTENT = "YES"');
    await alice.call('one.vm.allocate', vmTemplate(`DISK = [ IMAGE_ID = "${imageId}" ]`));

    const error = await apiError(alice.call('one.vm.allocate', vmTemplate(`DISK = [ IMAGE_ID = "${imageId}" ]`)));

    t.equal(textAt(await admin.call<string>('one.image.info', imageId), 'STATE'), '8');
    t.equal(error.code, ErrorCode.ALLOCATE);
    t.match(error.message, /persistent image 0 is already used by VM 0/);
  });

  t.test('refuses a persistent image twice', async (t) => {
    const { alice } = await site(t);
    const imageId = await registerImage(alice, 'data', 'PERSISTENT = "YES"');
    const twice = `DISK = [ IMAGE_ID = "${imageId}" ]\nDISK = [ IMAGE_ID = "${imageId}" ]`;

    const error = await apiError(alice.call('one.vm.allocate', vmTemplate(twice)));

    t.equal(error.code, ErrorCode.ALLOCATE);
  });

  t.test('refuses a disabled image', async (t) => {
    const { alice } = await site(t);
    const imageId = await registerImage(alice, 'base');
    await alice.call('one.image.enable', imageId, false);

    const error = await apiError(alice.call('one.vm.allocate', vmTemplate(`DISK = [ IMAGE_ID = "${imageId}" ]`)));

    t.equal(error.code, ErrorCode.ALLOCATE);
  });

  t.test('keeps volatile disks', async (t) => {
    const { alice } = await site(t);

    const vmId = await alice.call<number>('one.vm.allocate', vmTemplate('DISK = [ TYPE = "fs", SIZE = "512" ]'));

    t.equal(textAt(await alice.call<string>('one.vm.info', vmId), 'TEMPLATE/DISK/SIZE'), '512');
  });
});

t.test('one.vm.allocate nics', async (t) => {
  t.test('NETWORK_ID attaches the network', async (t) => {
    const { admin, alice } = await site(t);
    const vnetId = await createNetwork(admin, 'private');
    await admin.call('one.vn.chmod', vnetId, -1, -1, -1, -1, -1, -1, 1, -1, -1);

    const vmId = await alice.call<number>('one.vm.allocate', vmTemplate(`NIC = [ NETWORK_ID = "${vnetId}" ]`));

    const vm = await alice.call<string>('one.vm.info', vmId);
    t.equal(textAt(vm, 'TEMPLATE/NIC/NIC_ID'), '0');
    t.equal(textAt(vm, 'TEMPLATE/NIC/NETWORK'), 'private');
    t.equal(textAt(vm, 'TEMPLATE/NIC/BRIDGE'), 'onebr0');
  });

  t.test('NETWORK and NETWORK_UNAME find it', async (t) => {
    const { admin, alice } = await site(t);
    const vnetId = await createNetwork(admin, 'private');
    await admin.call('one.vn.chmod', vnetId, -1, -1, -1, -1, -1, -1, 1, -1, -1);

    const vmId = await alice.call<number>('one.vm.allocate', vmTemplate('NIC = [ NETWORK = "private", NETWORK_UNAME = "oneadmin" ]'));

    t.equal(textAt(await alice.call<string>('one.vm.info', vmId), 'TEMPLATE/NIC/NETWORK_ID'), String(vnetId));
  });

  t.test('refuses a missing network', async (t) => {
    const { alice } = await site(t);

    const byId = await apiError(alice.call('one.vm.allocate', vmTemplate('NIC = [ NETWORK_ID = "4" ]')));
    const byName = await apiError(alice.call('one.vm.allocate', vmTemplate('NIC = [ NETWORK = "private" ]')));
    const unnamed = await apiError(alice.call('one.vm.allocate', vmTemplate('NIC = [ MODEL = "virtio" ]')));

    t.equal(byId.code, ErrorCode.ALLOCATE);
    t.equal(byName.code, ErrorCode.ALLOCATE);
    t.equal(unnamed.code, ErrorCode.ALLOCATE);
  });

  t.test('needs NET USE', async (t) => {
    const { daemon, admin } = await site(t);
    const carol = await createOutsider(daemon, 'carol', { create: 'VM' });
    const vnetId = await createNetwork(admin, 'private');

    const error = await apiError(carol.call('one.vm.allocate', vmTemplate(`NIC = [ NETWORK_ID = "${vnetId}" ]`)));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
    t.match(error.message, /USE NET \[0\]/);
  });

  t.test('group users may use any network', async (t) => {
    const { admin, alice } = await site(t);
    const vnetId = await createNetwork(admin, 'private');

    const vmId = await alice.call<number>('one.vm.allocate', vmTemplate(`NIC = [ NETWORK_ID = "${vnetId}" ]`));

    t.equal(textAt(await alice.call<string>('one.vm.info', vmId), 'TEMPLATE/NIC/NETWORK_ID'), String(vnetId));
  });
});

t.test('one.vm.info', async (t) => {
  t.test('returns the full VM document', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.vm.allocate', vmTemplate());

    const vm = await alice.call<string>('one.vm.info', id);

    t.match(vm, /^<VM><ID>0<\/ID><UID>2<\/UID>/);
    t.equal(textAt(vm, 'PERMISSIONS/OWNER_U'), '1');
  });

  t.test('rejects a missing VM', async (t) => {
    const { alice } = await site(t);

    const error = await apiError(alice.call('one.vm.info', 12));

    t.equal(error.code, ErrorCode.NO_EXISTS);
    t.equal(error.message, '[one.vm.info] Error getting virtual machine [12].');
  });

  t.test('needs VM USE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await alice.call<number>('one.vm.allocate', vmTemplate());

    t.equal((await apiError(bob.call('one.vm.info', id))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.vm.update', async (t) => {
  t.test('type 1 merges into USER_TEMPLATE', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.vm.allocate', vmTemplate('DESCRIPTION = "a"'));

    await alice.call('one.vm.update', id, 'LABELS = "batch"', 1);

    const vm = await alice.call<string>('one.vm.info', id);
    t.equal(textAt(vm, 'USER_TEMPLATE/LABELS'), 'batch');
    t.equal(textAt(vm, 'USER_TEMPLATE/DESCRIPTION'), 'a');
  });

  t.test('type 0 replaces USER_TEMPLATE', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.vm.allocate', vmTemplate('DESCRIPTION = "a"'));

    await alice.call('one.vm.update', id, 'LABELS = "batch"', 0);

    const vm = await alice.call<string>('one.vm.info', id);
    t.equal(textAt(vm, 'USER_TEMPLATE/LABELS'), 'batch');
    t.equal(textAt(vm, 'USER_TEMPLATE/DESCRIPTION'), undefined);
  });

  t.test('leaves TEMPLATE alone', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.vm.allocate', vmTemplate());

    await alice.call('one.vm.update', id, 'CPU = "8"\nMEMORY = "8192"', 0);

    const vm = await alice.call<string>('one.vm.info', id);
    t.equal(textAt(vm, 'TEMPLATE/CPU'), '1');
    t.equal(textAt(vm, 'TEMPLATE/MEMORY'), '64');
    t.equal(textAt(vm, 'USER_TEMPLATE/CPU'), '8');
  });

  t.test('rejects an unknown type', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.vm.allocate', vmTemplate());

    t.equal((await apiError(alice.call('one.vm.update', id, 'A = 1', 2))).code, ErrorCode.XML_RPC_API);
  });

  t.test('rejects a missing VM', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.vm.update', 4, 'A = 1', 1))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs VM MANAGE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await alice.call<number>('one.vm.allocate', vmTemplate());
    await alice.call('one.vm.chmod', id, ...GROUP_MAY_USE);

    t.equal((await apiError(bob.call('one.vm.update', id, 'A = 1', 1))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.vm.chown', async (t) => {
  t.test('gives the VM to another user', async (t) => {
    const { admin, alice } = await site(t);
    const id = await alice.call<number>('one.vm.allocate', vmTemplate());

    await admin.call('one.vm.chown', id, 3, -1);

    t.equal(textAt(await admin.call<string>('one.vm.info', id), 'UNAME'), 'bob');
  });

  t.test('rejects a missing user', async (t) => {
    const { admin, alice } = await site(t);
    const id = await alice.call<number>('one.vm.allocate', vmTemplate());

    t.equal((await apiError(admin.call('one.vm.chown', id, 99, -1))).code, ErrorCode.NO_EXISTS);
  });

  t.test('rejects a missing VM', async (t) => {
    const { admin } = await site(t);

    t.equal((await apiError(admin.call('one.vm.chown', 4, 2, -1))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs VM MANAGE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await alice.call<number>('one.vm.allocate', vmTemplate());

    t.equal((await apiError(bob.call('one.vm.chown', id, 3, -1))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.vm.chmod', async (t) => {
  t.test('lets the group use it', async (t) => {
    const { alice, bob } = await site(t);
    const id = await alice.call<number>('one.vm.allocate', vmTemplate());

    await alice.call('one.vm.chmod', id, ...GROUP_MAY_USE);

    t.equal(textAt(await bob.call<string>('one.vm.info', id), 'ID'), String(id));
  });

  t.test('needs ADMIN for admin bits', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.vm.allocate', vmTemplate());

    t.equal((await apiError(alice.call('one.vm.chmod', id, -1, -1, -1, -1, -1, 1, -1, -1, -1))).code, ErrorCode.AUTHORIZATION);
  });

  t.test('rejects a value other than -1, 0, 1', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.vm.allocate', vmTemplate());

    t.equal((await apiError(alice.call('one.vm.chmod', id, 1, 1, 0, 3, 0, 0, 0, 0, 0))).code, ErrorCode.XML_RPC_API);
  });

  t.test('rejects a missing VM', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.vm.chmod', 4, ...GROUP_MAY_USE))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs VM MANAGE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await alice.call<number>('one.vm.allocate', vmTemplate());

    t.equal((await apiError(bob.call('one.vm.chmod', id, ...GROUP_MAY_USE))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.vm.rename', async (t) => {
  t.test('changes the name', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.vm.allocate', vmTemplate());

    await alice.call('one.vm.rename', id, 'worker-1');

    t.equal(textAt(await alice.call<string>('one.vm.info', id), 'NAME'), 'worker-1');
  });

  t.test('allows duplicate VM names', async (t) => {
    const { alice } = await site(t);
    await alice.call('one.vm.allocate', vmTemplate('NAME = "worker"'));
    const id = await alice.call<number>('one.vm.allocate', vmTemplate());

    t.equal(await alice.call('one.vm.rename', id, 'worker'), id);
  });

  t.test('rejects an invalid name', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.vm.allocate', vmTemplate());

    t.equal((await apiError(alice.call('one.vm.rename', id, ''))).code, ErrorCode.ACTION);
  });

  t.test('rejects a missing VM', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.vm.rename', 4, 'x'))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs VM MANAGE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await alice.call<number>('one.vm.allocate', vmTemplate());

    t.equal((await apiError(bob.call('one.vm.rename', id, 'x'))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.vmpool.info', async (t) => {
  /**
   * VMs 0 and 1 are alice's, 2 is bob's (shared with group users), 3 is oneadmin's
   * and 4 is alice's on hold.
   */
  async function fiveVms(t: Test) {
    const context = await site(t);
    const { admin, alice, bob } = context;
    await alice.call('one.vm.allocate', vmTemplate('DESCRIPTION = "first"'));
    await alice.call('one.vm.allocate', vmTemplate());
    await bob.call('one.vm.allocate', vmTemplate());
    await bob.call('one.vm.chmod', 2, ...GROUP_MAY_USE);
    await admin.call('one.vm.allocate', vmTemplate());
    await alice.call('one.vm.allocate', vmTemplate(), true);
    return context;
  }

  t.test('filter flags and a uid', async (t) => {
    const { admin, alice } = await fiveVms(t);

    t.same(poolIds(await alice.call<string>('one.vmpool.info', -4, -1, -1, -1)), [0, 1, 2, 4]);
    t.same(poolIds(await alice.call<string>('one.vmpool.info', -3, -1, -1, -1)), [0, 1, 4]);
    t.same(poolIds(await alice.call<string>('one.vmpool.info', -2, -1, -1, -1)), [0, 1, 2, 4]);
    t.same(poolIds(await alice.call<string>('one.vmpool.info', -1, -1, -1, -1)), [0, 1, 2, 4]);
    t.same(poolIds(await admin.call<string>('one.vmpool.info', -3, -1, -1, -1)), [3]);
    t.same(poolIds(await admin.call<string>('one.vmpool.info', -4, -1, -1, -1)), [3]);
    t.same(poolIds(await admin.call<string>('one.vmpool.info', 3, -1, -1, -1)), [2]);
    t.same(poolIds(await alice.call<string>('one.vmpool.info', 0, -1, -1, -1)), []);
  });

  t.test('id ranges', async (t) => {
    const { admin } = await fiveVms(t);

    t.same(poolIds(await admin.call<string>('one.vmpool.info', -2, 3, -1, -1)), [3, 4]);
    t.same(poolIds(await admin.call<string>('one.vmpool.info', -2, 0, 1, -1)), [0, 1]);
    t.same(poolIds(await admin.call<string>('one.vmpool.info', -2, 1, 3, -1)), [1, 2, 3]);
  });

  t.test('pages when end < -1', async (t) => {
    const { admin, alice } = await fiveVms(t);

    t.same(poolIds(await admin.call<string>('one.vmpool.info', -2, 0, -2, -1)), [0, 1]);
    t.same(poolIds(await admin.call<string>('one.vmpool.info', -2, 2, -2, -1)), [2, 3]);
    t.same(poolIds(await admin.call<string>('one.vmpool.info', -2, 4, -2, -1)), [4]);
    t.same(poolIds(await alice.call<string>('one.vmpool.info', -2, 1, -2, -1)), [1, 2]);
  });

  t.test('state -2, -1 and exact', async (t) => {
    const { daemon, admin } = await fiveVms(t);
    await setVmState(daemon, 1, VmState.DONE);

    t.same(poolIds(await admin.call<string>('one.vmpool.info', -2, -1, -1, -2)), [0, 1, 2, 3, 4]);
    t.same(poolIds(await admin.call<string>('one.vmpool.info', -2, -1, -1, -1)), [0, 2, 3, 4]);
    t.same(poolIds(await admin.call<string>('one.vmpool.info', -2, -1, -1, 2)), [4]);
    t.same(poolIds(await admin.call<string>('one.vmpool.info', -2, -1, -1, 6)), [1]);
  });

  t.test('defaults to any state but DONE', async (t) => {
    const { daemon, admin } = await fiveVms(t);
    await setVmState(daemon, 1, VmState.DONE);

    t.same(poolIds(await admin.call<string>('one.vmpool.info', -2, -1, -1)), [0, 2, 3, 4]);
  });

  t.test('rejects invalid state and filter', async (t) => {
    const { admin } = await fiveVms(t);

    const reserved = await apiError(admin.call('one.vmpool.info', -2, -1, -1, 7));
    const high = await apiError(admin.call('one.vmpool.info', -2, -1, -1, 12));
    const low = await apiError(admin.call('one.vmpool.info', -2, -1, -1, -3));
    const filter = await apiError(admin.call('one.vmpool.info', -5, -1, -1, -1));

    t.equal(reserved.code, ErrorCode.XML_RPC_API);
    t.equal(high.code, ErrorCode.XML_RPC_API);
    t.equal(low.code, ErrorCode.XML_RPC_API);
    t.equal(filter.code, ErrorCode.XML_RPC_API);
    t.match(filter.message, /Incorrect filter_flag/);
  });

  t.test('refuses a key-value search', async (t) => {
    const { admin } = await fiveVms(t);

    const error = await apiError(admin.call('one.vmpool.info', -2, -1, -1, -1, 'NAME=one-0'));

    t.equal(error.code, ErrorCode.INTERNAL);
  });

  t.test('writes short bodies', async (t) => {
    const { alice } = await fiveVms(t);

    const pool = parseXml(await alice.call<string>('one.vmpool.info', -3, 0, 0, -1));

    const vm = find(pool, 'VM');
    t.equal(pool.name, 'VM_POOL');
    t.equal(findAll(vm, 'PERMISSIONS').length, 0);
    t.equal(findAll(vm, 'PREV_STATE').length, 0);
    t.equal(findAll(vm, 'USER_TEMPLATE/DESCRIPTION').length, 0);
    t.equal(find(vm, 'TEMPLATE/MEMORY').text, '64');
  });
});

t.test('one.vmpool.infoextended', async (t) => {
  t.test('writes full bodies', async (t) => {
    const { alice } = await site(t);
    await alice.call('one.vm.allocate', vmTemplate('DESCRIPTION = "first"'));

    const vm = find(parseXml(await alice.call<string>('one.vmpool.infoextended', -3, -1, -1, -1)), 'VM');

    t.equal(find(vm, 'PERMISSIONS/OWNER_U').text, '1');
    t.equal(find(vm, 'USER_TEMPLATE/DESCRIPTION').text, 'first');
  });

  t.test('applies filter and state', async (t) => {
    const { alice, bob } = await site(t);
    await alice.call('one.vm.allocate', vmTemplate());
    await bob.call('one.vm.allocate', vmTemplate());
    await alice.call('one.vm.allocate', vmTemplate(), true);

    t.same(poolIds(await alice.call<string>('one.vmpool.infoextended', -3, -1, -1, -1)), [0, 2]);
    t.same(poolIds(await alice.call<string>('one.vmpool.infoextended', -3, -1, -1, 2)), [2]);
  });

  t.test('rejects an invalid state', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.vmpool.infoextended', -3, -1, -1, 99))).code, ErrorCode.XML_RPC_API);
  });
});
