import t, { type Test } from 'tap';
import { startTestDaemon } from '../helpers/daemon.js';
import { apiError, createOutsider, createUser, ErrorCode, faultCode, poolIds, textAt } from '../helpers/objects.js';

const WEB = 'NAME = "web"\nCPU = "1"\nMEMORY = "128"\nDESCRIPTION = "web server"';

/** Starts a daemon with users alice and bob, both in group users. */
async function site(t: Test) {
  const daemon = await startTestDaemon(t);
  const alice = await createUser(daemon, 'alice');
  const bob = await createUser(daemon, 'bob');
  return { daemon, admin: daemon.admin, alice, bob };
}

t.test('one.template.allocate', async (t) => {
  t.test('registers the template', async (t) => {
    const { admin, alice } = await site(t);

    const id = await alice.call<number>('one.template.allocate', WEB);

    const template = await admin.call<string>('one.template.info', id);
    t.equal(id, 0);
    t.equal(textAt(template, 'NAME'), 'web');
    t.equal(textAt(template, 'UNAME'), 'alice');
    t.equal(textAt(template, 'TEMPLATE/MEMORY'), '128');
    t.equal(textAt(template, 'TEMPLATE/NAME'), undefined);
    t.match(textAt(template, 'REGTIME'), /^[1-9]\d*$/);
  });

  t.test('names a template without NAME', async (t) => {
    const { admin } = await site(t);

    const id = await admin.call<number>('one.template.allocate', 'CPU = "1"\nMEMORY = "128"');

    t.equal(textAt(await admin.call<string>('one.template.info', id), 'NAME'), `template-${id}`);
  });

  t.test('keeps names unique per owner', async (t) => {
    const { alice, bob } = await site(t);
    await alice.call('one.template.allocate', WEB);

    const bobs = await bob.call<number>('one.template.allocate', WEB);
    const error = await apiError(alice.call('one.template.allocate', WEB));

    t.equal(bobs, 1);
    t.equal(error.code, ErrorCode.ALLOCATE);
  });

  t.test('rejects an invalid name', async (t) => {
    const { alice } = await site(t);

    const error = await apiError(alice.call('one.template.allocate', 'NAME = "a|b"\nCPU = "1"'));

    t.equal(error.code, ErrorCode.ALLOCATE);
  });

  t.test('rejects a syntax error', async (t) => {
    const { alice } = await site(t);

    const error = await apiError(alice.call('one.template.allocate', 'NAME = "web"\nCPU = = 1'));

    t.equal(error.code, ErrorCode.XML_RPC_API);
  });

  t.test('needs TEMPLATE CREATE', async (t) => {
    const daemon = await startTestDaemon(t);
    const carol = await createOutsider(daemon, 'carol');

    const error = await apiError(carol.call('one.template.allocate', WEB));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.template.delete', async (t) => {
  t.test('removes the template', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    await alice.call('one.template.delete', id);

    t.equal((await apiError(alice.call('one.template.info', id))).code, ErrorCode.NO_EXISTS);
  });

  t.test('never reuses the id', async (t) => {
    const { alice } = await site(t);
    await alice.call('one.template.allocate', WEB);
    await alice.call('one.template.delete', 0);

    t.equal(await alice.call('one.template.allocate', WEB), 1);
  });

  t.test('refuses a recursive delete', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    t.equal((await apiError(alice.call('one.template.delete', id, true))).code, ErrorCode.ACTION);
  });

  t.test('rejects a missing template', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.template.delete', 4))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs TEMPLATE MANAGE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    t.equal((await apiError(bob.call('one.template.delete', id))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.template.info', async (t) => {
  t.test('returns the VMTEMPLATE document', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    t.match(await alice.call<string>('one.template.info', id), /^<VMTEMPLATE><ID>0<\/ID>/);
  });

  t.test('accepts the CLI flags', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    t.equal(textAt(await alice.call<string>('one.template.info', id, false, false), 'NAME'), 'web');
  });

  t.test('rejects a missing template', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.template.info', 4))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs TEMPLATE USE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    t.equal((await apiError(bob.call('one.template.info', id))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.template.update', async (t) => {
  t.test('type 0 replaces the template', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    await alice.call('one.template.update', id, 'CPU = "2"', 0);

    const template = await alice.call<string>('one.template.info', id);
    t.equal(textAt(template, 'TEMPLATE/CPU'), '2');
    t.equal(textAt(template, 'TEMPLATE/MEMORY'), undefined);
  });

  t.test('type 1 merges into the template', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    await alice.call('one.template.update', id, 'CPU = "2"', 1);

    const template = await alice.call<string>('one.template.info', id);
    t.equal(textAt(template, 'TEMPLATE/CPU'), '2');
    t.equal(textAt(template, 'TEMPLATE/MEMORY'), '128');
  });

  t.test('rejects an unknown type', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    t.equal((await apiError(alice.call('one.template.update', id, 'CPU = 2', 9))).code, ErrorCode.XML_RPC_API);
  });

  t.test('rejects a missing template', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.template.update', 4, 'CPU = 2', 1))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs TEMPLATE MANAGE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    t.equal((await apiError(bob.call('one.template.update', id, 'CPU = 2', 1))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.template.chown', async (t) => {
  t.test('gives the template to another user', async (t) => {
    const { admin, alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    await admin.call('one.template.chown', id, 3, 0);

    const template = await admin.call<string>('one.template.info', id);
    t.equal(textAt(template, 'UNAME'), 'bob');
    t.equal(textAt(template, 'GNAME'), 'oneadmin');
  });

  t.test('refuses a name the new owner has', async (t) => {
    const { admin, alice, bob } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);
    await bob.call('one.template.allocate', WEB);

    t.equal((await apiError(admin.call('one.template.chown', id, 3, -1))).code, ErrorCode.ACTION);
  });

  t.test('rejects a missing user', async (t) => {
    const { admin, alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    t.equal((await apiError(admin.call('one.template.chown', id, 77, -1))).code, ErrorCode.NO_EXISTS);
  });

  t.test('rejects a missing template', async (t) => {
    const { admin } = await site(t);

    t.equal((await apiError(admin.call('one.template.chown', 4, 2, -1))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs TEMPLATE MANAGE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    t.equal((await apiError(bob.call('one.template.chown', id, 3, -1))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.template.chmod', async (t) => {
  t.test('lets the group use it', async (t) => {
    const { alice, bob } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    await alice.call('one.template.chmod', id, -1, -1, -1, 1, -1, -1, -1, -1, -1);

    t.equal(textAt(await bob.call<string>('one.template.info', id), 'NAME'), 'web');
  });

  t.test('accepts the recursive flag', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    t.equal(await alice.call('one.template.chmod', id, 1, 1, 0, 1, 0, 0, 0, 0, 0, false), id);
  });

  t.test('rejects a value other than -1, 0, 1', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    t.equal((await apiError(alice.call('one.template.chmod', id, 1, 1, 0, 1, 0, 0, 0, 0, -2))).code, ErrorCode.XML_RPC_API);
  });

  t.test('rejects a missing template', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.template.chmod', 4, 1, 1, 0, 0, 0, 0, 0, 0, 0))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs TEMPLATE MANAGE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    t.equal((await apiError(bob.call('one.template.chmod', id, 1, 1, 0, 1, 0, 0, 0, 0, 0))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.template.rename', async (t) => {
  t.test('changes the name', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    await alice.call('one.template.rename', id, 'api');

    t.equal(textAt(await alice.call<string>('one.template.info', id), 'NAME'), 'api');
  });

  t.test('rejects a name the owner has', async (t) => {
    const { alice } = await site(t);
    await alice.call('one.template.allocate', WEB);
    const id = await alice.call<number>('one.template.allocate', 'NAME = "db"\nCPU = "1"');

    t.equal((await apiError(alice.call('one.template.rename', id, 'web'))).code, ErrorCode.ACTION);
  });

  t.test('rejects an invalid name', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    t.equal((await apiError(alice.call('one.template.rename', id, 'web;db'))).code, ErrorCode.ACTION);
  });

  t.test('rejects a missing template', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.template.rename', 4, 'x'))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs TEMPLATE MANAGE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    t.equal((await apiError(bob.call('one.template.rename', id, 'x'))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.template.clone', async (t) => {
  t.test('copies the template for the caller', async (t) => {
    const { admin, alice, bob } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);
    await alice.call('one.template.chmod', id, -1, -1, -1, 1, -1, -1, -1, -1, -1);

    const copy = await bob.call<number>('one.template.clone', id, 'web-copy');

    const template = await admin.call<string>('one.template.info', copy);
    t.equal(textAt(template, 'NAME'), 'web-copy');
    t.equal(textAt(template, 'UNAME'), 'bob');
    t.equal(textAt(template, 'TEMPLATE/DESCRIPTION'), 'web server');
    t.equal(textAt(template, 'TEMPLATE/NAME'), undefined);
  });

  t.test('rejects a name the caller has', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    t.equal((await apiError(alice.call('one.template.clone', id, 'web'))).code, ErrorCode.ALLOCATE);
  });

  t.test('refuses a recursive clone', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    t.equal((await apiError(alice.call('one.template.clone', id, 'copy', true))).code, ErrorCode.ACTION);
  });

  t.test('rejects a missing template', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.template.clone', 4, 'copy'))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs TEMPLATE USE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    t.equal((await apiError(bob.call('one.template.clone', id, 'copy'))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.template.instantiate', async (t) => {
  t.test('creates a PENDING VM', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    const vmId = await alice.call<number>('one.template.instantiate', id, '', false, '');

    const vm = await alice.call<string>('one.vm.info', vmId);
    t.equal(textAt(vm, 'NAME'), `web-${vmId}`);
    t.equal(textAt(vm, 'STATE'), '1');
    t.equal(textAt(vm, 'UNAME'), 'alice');
    t.equal(textAt(vm, 'TEMPLATE/TEMPLATE_ID'), String(id));
    t.equal(textAt(vm, 'USER_TEMPLATE/DESCRIPTION'), 'web server');
  });

  t.test('takes a name and holds', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    const vmId = await alice.call<number>('one.template.instantiate', id, 'front', true, '');

    const vm = await alice.call<string>('one.vm.info', vmId);
    t.equal(textAt(vm, 'NAME'), 'front');
    t.equal(textAt(vm, 'STATE'), '2');
  });

  t.test('extra template replaces attributes', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    const vmId = await alice.call<number>('one.template.instantiate', id, '', false, 'MEMORY = "4096"\nCPU = "4"');

    const vm = await alice.call<string>('one.vm.info', vmId);
    t.equal(textAt(vm, 'TEMPLATE/MEMORY'), '4096');
    t.equal(textAt(vm, 'TEMPLATE/CPU'), '4');
  });

  t.test('needs only the id', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    const vmId = await alice.call<number>('one.template.instantiate', id);

    t.equal(textAt(await alice.call<string>('one.vm.info', vmId), 'STATE'), '1');
  });

  t.test('refuses a template without MEMORY', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', 'NAME = "bare"\nCPU = "1"');

    t.equal((await apiError(alice.call('one.template.instantiate', id, '', false, ''))).code, ErrorCode.ALLOCATE);
  });

  t.test('rejects extra template syntax errors', async (t) => {
    const { alice } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    const error = await apiError(alice.call('one.template.instantiate', id, '', false, 'MEMORY = [ 4096'));

    t.equal(error.code, ErrorCode.XML_RPC_API);
  });

  t.test('rejects a missing template', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.template.instantiate', 4, '', false, ''))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs TEMPLATE USE', async (t) => {
    const { alice, bob } = await site(t);
    const id = await alice.call<number>('one.template.allocate', WEB);

    t.equal((await apiError(bob.call('one.template.instantiate', id, '', false, ''))).code, ErrorCode.AUTHORIZATION);
  });

  t.test('faults on a string id', async (t) => {
    const { alice } = await site(t);

    t.equal(await faultCode(alice.call('one.template.instantiate', '0', '', false, '')), -501);
  });
});

t.test('one.templatepool.info', async (t) => {
  t.test('filters, ranges and pages', async (t) => {
    const { admin, alice, bob } = await site(t);
    await alice.call('one.template.allocate', WEB);
    await bob.call('one.template.allocate', WEB);
    await alice.call('one.template.allocate', 'NAME = "db"\nCPU = "1"');

    t.same(poolIds(await alice.call<string>('one.templatepool.info', -3, -1, -1)), [0, 2]);
    t.same(poolIds(await admin.call<string>('one.templatepool.info', 3, -1, -1)), [1]);
    t.same(poolIds(await admin.call<string>('one.templatepool.info', -2, 1, -1)), [1, 2]);
    t.same(poolIds(await admin.call<string>('one.templatepool.info', -2, 0, -2)), [0, 1]);
  });

  t.test('writes VMTEMPLATE_POOL', async (t) => {
    const { alice } = await site(t);
    await alice.call('one.template.allocate', WEB);

    t.match(await alice.call<string>('one.templatepool.info', -2, -1, -1), /^<VMTEMPLATE_POOL><VMTEMPLATE>/);
  });

  t.test('rejects an invalid filter', async (t) => {
    const { alice } = await site(t);

    t.equal((await apiError(alice.call('one.templatepool.info', -9, -1, -1))).code, ErrorCode.XML_RPC_API);
  });
});
