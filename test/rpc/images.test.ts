import { realpathSync } from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { allowImageFolder, registerReadyImage, waitForReady } from '../helpers/images.js';
import type { OneClient } from '../../rpc/client/client.js';
import {
  apiError,
  createOutsider,
  createUser,
  ErrorCode,
  faultCode,
  findAll,
  lockImage,
  parseXml,
  poolIds,
  textAt,
  vmTemplate,
} from '../helpers/objects.js';

/** A folder the fs image driver may register files from, for every test of this file. */
const imageFolder = allowImageFolder(t);

/** Registers a small file of the image folder as image `name` and waits until it is READY. */
async function registerImage(client: OneClient, name: string, extra = '', datastore = 1): Promise<number> {
  return registerReadyImage(client, imageFolder, name, extra, datastore);
}

/** Starts a daemon with users alice and bob in group users, which may USE every datastore. */
async function site(t: Test) {
  const daemon = await startTestDaemon(t);
  const alice = await createUser(daemon, 'alice');
  const bob = await createUser(daemon, 'bob');
  return { daemon, admin: daemon.admin, alice, bob };
}

async function imageInfo(daemon: TestDaemon, id: number): Promise<string> {
  return daemon.admin.call<string>('one.image.info', id);
}

t.test('one.image.allocate', async (t) => {
  t.test('registers a READY image', async (t) => {
    const { daemon, alice } = await site(t);

    const id = await registerImage(alice, 'base');

    const image = await imageInfo(daemon, id);
    t.equal(id, 0);
    t.equal(textAt(image, 'NAME'), 'base');
    t.equal(textAt(image, 'UNAME'), 'alice');
    t.equal(textAt(image, 'GNAME'), 'users');
    t.equal(textAt(image, 'STATE'), '1');
    t.equal(textAt(image, 'TYPE'), '0');
    t.equal(textAt(image, 'PERSISTENT'), '0');
    t.equal(textAt(image, 'PATH'), path.join(imageFolder, 'base.img'));
    t.equal(textAt(image, 'DATASTORE_ID'), '1');
    t.equal(textAt(image, 'DATASTORE'), 'default');
  });

  t.test('adds the image to its datastore', async (t) => {
    const { admin, alice } = await site(t);

    const id = await registerImage(alice, 'base');

    t.equal(textAt(await admin.call<string>('one.datastore.info', 1), 'IMAGES/ID'), String(id));
  });

  t.test('reads TYPE, PERSISTENT and SIZE', async (t) => {
    const { alice } = await site(t);

    const id = await alice.call<number>('one.image.allocate', 'NAME = "scratch"\nTYPE = "DATABLOCK"\nSIZE = "1024"\nPERSISTENT = "yes"', 1);

    const image = await waitForReady(alice, id);
    t.equal(textAt(image, 'TYPE'), '2');
    t.equal(textAt(image, 'SIZE'), '1024');
    t.equal(textAt(image, 'PERSISTENT'), '1');
  });

  t.test('takes files in a files datastore', async (t) => {
    const { daemon, admin } = await site(t);

    const id = await registerImage(admin, 'vmlinuz', 'TYPE = "KERNEL"', 2);

    t.equal(textAt(await imageInfo(daemon, id), 'TYPE'), '3');
  });

  t.test('keeps names unique per owner', async (t) => {
    const { alice, bob } = await site(t);
    await registerImage(alice, 'base');

    const bobs = await registerImage(bob, 'base');
    const error = await apiError(registerImage(alice, 'base'));

    t.equal(bobs, 1);
    t.equal(error.code, ErrorCode.ALLOCATE);
    t.match(error.message, /^\[one\.image\.allocate\] Error allocating a new image\. NAME "base" is already taken by image 0 of user 2/);
  });

  t.test('rejects an invalid name', async (t) => {
    const { alice } = await site(t);

    const error = await apiError(registerImage(alice, 'a$b'));

    t.equal(error.code, ErrorCode.ALLOCATE);
  });

  t.test('needs PATH or SIZE', async (t) => {
    const { alice } = await site(t);

    const error = await apiError(alice.call('one.image.allocate', 'NAME = "empty"', 1));

    t.equal(error.code, ErrorCode.ALLOCATE);
  });

  t.test('rejects invalid TYPE, PERSISTENT, SIZE', async (t) => {
    const { alice } = await site(t);

    const type = await apiError(registerImage(alice, 'a', 'TYPE = "FLOPPY"'));
    const persistent = await apiError(registerImage(alice, 'b', 'PERSISTENT = "maybe"'));
    const size = await apiError(alice.call('one.image.allocate', 'NAME = "c"\nSIZE = "1G"', 1));

    t.equal(type.code, ErrorCode.ALLOCATE);
    t.equal(persistent.code, ErrorCode.ALLOCATE);
    t.equal(size.code, ErrorCode.ALLOCATE);
  });

  t.test('matches type and datastore', async (t) => {
    const { admin } = await site(t);

    const kernelInImages = await apiError(registerImage(admin, 'vmlinuz', 'TYPE = "KERNEL"', 1));
    const diskInFiles = await apiError(registerImage(admin, 'disk', 'TYPE = "OS"', 2));

    t.equal(kernelInImages.code, ErrorCode.ALLOCATE);
    t.equal(diskInFiles.code, ErrorCode.ALLOCATE);
  });

  t.test('refuses a system datastore', async (t) => {
    const { admin } = await site(t);

    const error = await apiError(registerImage(admin, 'base', '', 0));

    t.equal(error.code, ErrorCode.ALLOCATE);
  });

  t.test('rejects a missing datastore', async (t) => {
    const { admin } = await site(t);

    const error = await apiError(registerImage(admin, 'base', '', 42));

    t.equal(error.code, ErrorCode.NO_EXISTS);
    t.match(error.message, /Error getting datastore \[42\]/);
  });

  t.test('needs DATASTORE USE', async (t) => {
    const daemon = await startTestDaemon(t);
    const carol = await createOutsider(daemon, 'carol', { create: 'IMAGE' });

    const error = await apiError(registerImage(carol, 'base'));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
    t.match(error.message, /Not authorized to perform USE DATASTORE \[1\]/);
  });

  t.test('faults without a datastore', async (t) => {
    const { alice } = await site(t);

    t.equal(await faultCode(alice.call('one.image.allocate', 'NAME = "a"\nPATH = "/a"')), -501);
  });
});

t.test('one.image.delete', async (t) => {
  t.test('removes image and datastore entry', async (t) => {
    const { admin, alice } = await site(t);
    const id = await registerImage(alice, 'base');

    await alice.call('one.image.delete', id);

    t.equal((await apiError(admin.call('one.image.info', id))).code, ErrorCode.NO_EXISTS);
    t.equal(textAt(await admin.call<string>('one.datastore.info', 1), 'IMAGES/ID'), undefined);
  });

  t.test('never reuses the id', async (t) => {
    const { alice } = await site(t);
    await registerImage(alice, 'base');
    await alice.call('one.image.delete', 0);

    t.equal(await registerImage(alice, 'base'), 1);
  });

  t.test('refuses an image in use', async (t) => {
    const { alice } = await site(t);
    const id = await registerImage(alice, 'base');
    await alice.call('one.vm.allocate', vmTemplate(`DISK = [ IMAGE_ID = "${id}" ]`));

    const error = await apiError(alice.call('one.image.delete', id));

    t.equal(error.code, ErrorCode.ACTION);
  });

  t.test('rejects a missing image', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.image.delete', 7))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs IMAGE MANAGE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await registerImage(alice, 'base');

    t.equal((await apiError(bob.call('one.image.delete', id))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.image.info', async (t) => {
  t.test('returns the IMAGE document', async (t) => {
    const { alice } = await site(t);
    const id = await registerImage(alice, 'base');

    const image = await alice.call<string>('one.image.info', id);

    t.match(image, /^<IMAGE><ID>0<\/ID><UID>2<\/UID>/);
  });

  t.test('shows a lock and ignores it', async (t) => {
    const { daemon, alice } = await site(t);
    const id = await registerImage(alice, 'base');
    await lockImage(daemon, id, 1);

    const image = await alice.call<string>('one.image.info', id);

    t.equal(textAt(image, 'LOCK/LOCKED'), '1');
  });

  t.test('rejects a missing image', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.image.info', 3))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs IMAGE USE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await registerImage(alice, 'base');

    t.equal((await apiError(bob.call('one.image.info', id))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.image.update', async (t) => {
  t.test('type 0 replaces the template', async (t) => {
    const { daemon, alice } = await site(t);
    const id = await registerImage(alice, 'base', 'DESCRIPTION = "old"');

    await alice.call('one.image.update', id, 'DEV_PREFIX = "vd"', 0);

    const image = await imageInfo(daemon, id);
    t.equal(textAt(image, 'TEMPLATE/DEV_PREFIX'), 'vd');
    t.equal(textAt(image, 'TEMPLATE/DESCRIPTION'), undefined);
  });

  t.test('type 1 merges into the template', async (t) => {
    const { daemon, alice } = await site(t);
    const id = await registerImage(alice, 'base', 'DESCRIPTION = "old"');

    await alice.call('one.image.update', id, 'DEV_PREFIX = "vd"', 1);

    const image = await imageInfo(daemon, id);
    t.equal(textAt(image, 'TEMPLATE/DEV_PREFIX'), 'vd');
    t.equal(textAt(image, 'TEMPLATE/DESCRIPTION'), 'old');
  });

  t.test('refuses a locked image', async (t) => {
    const { daemon, alice } = await site(t);
    const id = await registerImage(alice, 'base');
    await lockImage(daemon, id, 1);

    const error = await apiError(alice.call('one.image.update', id, 'A = 1', 1));

    t.equal(error.code, ErrorCode.LOCKED);
  });

  t.test('rejects an unknown type', async (t) => {
    const { alice } = await site(t);
    const id = await registerImage(alice, 'base');

    t.equal((await apiError(alice.call('one.image.update', id, 'A = 1', 3))).code, ErrorCode.XML_RPC_API);
  });

  t.test('rejects a missing image', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.image.update', 3, 'A = 1', 1))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs IMAGE MANAGE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await registerImage(alice, 'base');

    t.equal((await apiError(bob.call('one.image.update', id, 'A = 1', 1))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.image.chown', async (t) => {
  t.test('gives the image to another user', async (t) => {
    const { daemon, admin, alice } = await site(t);
    const id = await registerImage(alice, 'base');

    await admin.call('one.image.chown', id, 3, -1);

    t.equal(textAt(await imageInfo(daemon, id), 'UNAME'), 'bob');
  });

  t.test('refuses a name the new owner has', async (t) => {
    const { admin, alice, bob } = await site(t);
    const id = await registerImage(alice, 'base');
    await registerImage(bob, 'base');

    const error = await apiError(admin.call('one.image.chown', id, 3, -1));

    t.equal(error.code, ErrorCode.ACTION);
  });

  t.test('rejects a missing user', async (t) => {
    const { admin, alice } = await site(t);
    const id = await registerImage(alice, 'base');

    t.equal((await apiError(admin.call('one.image.chown', id, 50, -1))).code, ErrorCode.NO_EXISTS);
  });

  t.test('rejects a missing image', async (t) => {
    const { admin } = await site(t);

    t.equal((await apiError(admin.call('one.image.chown', 9, 2, -1))).code, ErrorCode.NO_EXISTS);
  });

  t.test('keeps users from giving images away', async (t) => {
    const { alice } = await site(t);
    const id = await registerImage(alice, 'base');

    const error = await apiError(alice.call('one.image.chown', id, 3, -1));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
  });

  t.test('keeps users out of other groups', async (t) => {
    const { alice } = await site(t);
    const id = await registerImage(alice, 'base');

    const error = await apiError(alice.call('one.image.chown', id, -1, 0));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.image.chmod', async (t) => {
  t.test('shares the image with the group', async (t) => {
    const { alice, bob } = await site(t);
    const id = await registerImage(alice, 'base');

    await alice.call('one.image.chmod', id, -1, -1, -1, 1, -1, -1, -1, -1, -1);

    t.equal(textAt(await bob.call<string>('one.image.info', id), 'NAME'), 'base');
  });

  t.test('needs ADMIN for admin bits', async (t) => {
    const { alice } = await site(t);
    const id = await registerImage(alice, 'base');

    const error = await apiError(alice.call('one.image.chmod', id, -1, -1, 1, -1, -1, -1, -1, -1, -1));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
  });

  t.test('rejects a value other than -1, 0, 1', async (t) => {
    const { alice } = await site(t);
    const id = await registerImage(alice, 'base');

    const error = await apiError(alice.call('one.image.chmod', id, 7, -1, -1, -1, -1, -1, -1, -1, -1));

    t.equal(error.code, ErrorCode.XML_RPC_API);
  });

  t.test('rejects a missing image', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.image.chmod', 4, 1, 1, 0, 0, 0, 0, 0, 0, 0))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs IMAGE MANAGE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await registerImage(alice, 'base');

    const error = await apiError(bob.call('one.image.chmod', id, 1, 1, 0, 1, 0, 0, 0, 0, 0));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.image.rename', async (t) => {
  t.test('changes the name', async (t) => {
    const { daemon, alice } = await site(t);
    const id = await registerImage(alice, 'base');

    await alice.call('one.image.rename', id, 'centos');

    t.equal(textAt(await imageInfo(daemon, id), 'NAME'), 'centos');
  });

  t.test('rejects a name the owner has', async (t) => {
    const { alice } = await site(t);
    await registerImage(alice, 'base');
    const id = await registerImage(alice, 'other');

    t.equal((await apiError(alice.call('one.image.rename', id, 'base'))).code, ErrorCode.ACTION);
  });

  t.test('allows a name another owner has', async (t) => {
    const { alice, bob } = await site(t);
    await registerImage(bob, 'base');
    const id = await registerImage(alice, 'other');

    t.equal(await alice.call('one.image.rename', id, 'base'), id);
  });

  t.test('rejects an invalid name', async (t) => {
    const { alice } = await site(t);
    const id = await registerImage(alice, 'base');

    t.equal((await apiError(alice.call('one.image.rename', id, 'base\nline'))).code, ErrorCode.ACTION);
  });

  t.test('rejects a missing image', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.image.rename', 8, 'x'))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs IMAGE MANAGE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await registerImage(alice, 'base');

    t.equal((await apiError(bob.call('one.image.rename', id, 'x'))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.image.enable', async (t) => {
  t.test('disables and enables', async (t) => {
    const { daemon, alice } = await site(t);
    const id = await registerImage(alice, 'base');

    await alice.call('one.image.enable', id, false);
    const disabled = await imageInfo(daemon, id);
    await alice.call('one.image.enable', id, true);
    const enabled = await imageInfo(daemon, id);

    t.equal(textAt(disabled, 'STATE'), '3');
    t.equal(textAt(enabled, 'STATE'), '1');
  });

  t.test('refuses an image in use', async (t) => {
    const { alice } = await site(t);
    const id = await registerImage(alice, 'base');
    await alice.call('one.vm.allocate', vmTemplate(`DISK = [ IMAGE_ID = "${id}" ]`));

    t.equal((await apiError(alice.call('one.image.enable', id, false))).code, ErrorCode.ACTION);
  });

  t.test('rejects a missing image', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.image.enable', 5, true))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs IMAGE MANAGE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await registerImage(alice, 'base');

    t.equal((await apiError(bob.call('one.image.enable', id, false))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.image.persistent', async (t) => {
  t.test('sets and clears PERSISTENT', async (t) => {
    const { daemon, alice } = await site(t);
    const id = await registerImage(alice, 'base');

    await alice.call('one.image.persistent', id, true);
    const persistent = await imageInfo(daemon, id);
    await alice.call('one.image.persistent', id, false);
    const cleared = await imageInfo(daemon, id);

    t.equal(textAt(persistent, 'PERSISTENT'), '1');
    t.equal(textAt(cleared, 'PERSISTENT'), '0');
  });

  t.test('refuses an image in use', async (t) => {
    const { alice } = await site(t);
    const id = await registerImage(alice, 'base');
    await alice.call('one.vm.allocate', vmTemplate(`DISK = [ IMAGE_ID = "${id}" ]`));

    t.equal((await apiError(alice.call('one.image.persistent', id, true))).code, ErrorCode.ACTION);
  });

  t.test('rejects a missing image', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.image.persistent', 5, true))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs IMAGE MANAGE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await registerImage(alice, 'base');

    t.equal((await apiError(bob.call('one.image.persistent', id, true))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.image.chtype', async (t) => {
  t.test('changes OS to DATABLOCK', async (t) => {
    const { daemon, alice } = await site(t);
    const id = await registerImage(alice, 'base');

    await alice.call('one.image.chtype', id, 'DATABLOCK');

    t.equal(textAt(await imageInfo(daemon, id), 'TYPE'), '2');
  });

  t.test('refuses a type of another datastore', async (t) => {
    const { alice } = await site(t);
    const id = await registerImage(alice, 'base');

    const error = await apiError(alice.call('one.image.chtype', id, 'KERNEL'));

    t.equal(error.code, ErrorCode.ACTION);
  });

  t.test('rejects an unknown type', async (t) => {
    const { alice } = await site(t);
    const id = await registerImage(alice, 'base');

    t.equal((await apiError(alice.call('one.image.chtype', id, 'FLOPPY'))).code, ErrorCode.XML_RPC_API);
  });

  t.test('rejects a missing image', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.image.chtype', 5, 'OS'))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs IMAGE MANAGE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await registerImage(alice, 'base');

    t.equal((await apiError(bob.call('one.image.chtype', id, 'CDROM'))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.image.clone', async (t) => {
  t.test('copies the image for the caller', async (t) => {
    const { daemon, alice, bob } = await site(t);
    const id = await registerImage(alice, 'base', 'PERSISTENT = "YES"');
    await alice.call('one.image.chmod', id, -1, -1, -1, 1, -1, -1, -1, -1, -1);

    const copy = await bob.call<number>('one.image.clone', id, 'my-base');

    const image = await waitForReady(bob, copy);
    t.equal(copy, 1);
    t.equal(textAt(image, 'NAME'), 'my-base');
    t.equal(textAt(image, 'UNAME'), 'bob');
    t.equal(textAt(image, 'PERSISTENT'), '0');
    t.equal(textAt(image, 'CLONING_ID'), String(id));
    t.equal(textAt(image, 'SOURCE'), path.join(realpathSync(daemon.home), 'datastores', '1', String(copy)));
  });

  t.test('rejects a name the caller has', async (t) => {
    const { alice } = await site(t);
    const id = await registerImage(alice, 'base');

    t.equal((await apiError(alice.call('one.image.clone', id, 'base'))).code, ErrorCode.ALLOCATE);
  });

  t.test('clones only into image datastores', async (t) => {
    const { admin } = await site(t);
    const id = await registerImage(admin, 'base');

    const system = await apiError(admin.call('one.image.clone', id, 'copy', 0));
    const files = await apiError(admin.call('one.image.clone', id, 'copy', 2));

    t.equal(system.code, ErrorCode.ACTION);
    t.equal(files.code, ErrorCode.ACTION);
  });

  t.test('refuses to clone files', async (t) => {
    const { admin } = await site(t);
    const id = await registerImage(admin, 'vmlinuz', 'TYPE = "KERNEL"', 2);

    t.equal((await apiError(admin.call('one.image.clone', id, 'copy'))).code, ErrorCode.ACTION);
  });

  t.test('rejects a missing image or datastore', async (t) => {
    const { admin } = await site(t);
    const id = await registerImage(admin, 'base');

    const image = await apiError(admin.call('one.image.clone', 9, 'copy'));
    const datastore = await apiError(admin.call('one.image.clone', id, 'copy', 77));

    t.equal(image.code, ErrorCode.NO_EXISTS);
    t.equal(datastore.code, ErrorCode.NO_EXISTS);
  });

  t.test('needs IMAGE USE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await registerImage(alice, 'base');

    t.equal((await apiError(bob.call('one.image.clone', id, 'copy'))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.imagepool.info', async (t) => {
  /** alice owns images 0 and 2, bob owns 1 and shares it with the group. */
  async function threeImages(t: Test) {
    const context = await site(t);
    await registerImage(context.alice, 'a0');
    await registerImage(context.bob, 'b1');
    await registerImage(context.alice, 'a2');
    await context.bob.call('one.image.chmod', 1, -1, -1, -1, 1, -1, -1, -1, -1, -1);
    return context;
  }

  t.test('filters by owner', async (t) => {
    const { admin, alice } = await threeImages(t);

    t.same(poolIds(await alice.call<string>('one.imagepool.info', -3, -1, -1)), [0, 2]);
    t.same(poolIds(await alice.call<string>('one.imagepool.info', -2, -1, -1)), [0, 1, 2]);
    t.same(poolIds(await alice.call<string>('one.imagepool.info', -1, -1, -1)), [0, 1, 2]);
    t.same(poolIds(await admin.call<string>('one.imagepool.info', 3, -1, -1)), [1]);
  });

  t.test('accepts the CLI fourth parameter', async (t) => {
    const { alice } = await threeImages(t);

    const pool = await alice.call<string>('one.imagepool.info', -3, -1, -1, 0);

    t.same(poolIds(pool), [0, 2]);
  });

  t.test('takes id ranges and pages', async (t) => {
    const { admin } = await threeImages(t);

    t.same(poolIds(await admin.call<string>('one.imagepool.info', -2, 1, -1)), [1, 2]);
    t.same(poolIds(await admin.call<string>('one.imagepool.info', -2, 0, 1)), [0, 1]);
    t.same(poolIds(await admin.call<string>('one.imagepool.info', -2, 1, -2)), [1, 2]);
  });

  t.test('writes IMAGE_POOL of IMAGE', async (t) => {
    const { admin } = await threeImages(t);

    const pool = parseXml(await admin.call<string>('one.imagepool.info', -2, -1, -1));

    t.equal(pool.name, 'IMAGE_POOL');
    t.equal(findAll(pool, 'IMAGE').length, 3);
  });

  t.test('rejects an invalid filter', async (t) => {
    const { admin } = await threeImages(t);

    t.equal((await apiError(admin.call('one.imagepool.info', -5, -1, -1))).code, ErrorCode.XML_RPC_API);
  });

  t.test('faults without the range', async (t) => {
    const { admin } = await threeImages(t);

    t.equal(await faultCode(admin.call('one.imagepool.info', -2)), -501);
  });
});
