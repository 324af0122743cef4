import t from 'tap';
import { startTestDaemon } from '../helpers/daemon.js';
import { apiError, changeStored, createOutsider, createUser, ErrorCode, faultCode, poolIds, textAt } from '../helpers/objects.js';

t.test('one.host.allocate', async (t) => {
  t.test('creates a host in INIT', async (t) => {
    const { admin } = await startTestDaemon(t);

    const id = await admin.call<number>('one.host.allocate', 'node1', 'qemu', 'kvm', -1);

    const host = await admin.call<string>('one.host.info', id);
    t.equal(id, 0);
    t.equal(textAt(host, 'NAME'), 'node1');
    t.equal(textAt(host, 'STATE'), '0');
    t.equal(textAt(host, 'IM_MAD'), 'qemu');
    t.equal(textAt(host, 'VM_MAD'), 'kvm');
    t.equal(textAt(host, 'CLUSTER_ID'), '0');
    t.equal(textAt(host, 'CLUSTER'), 'default');
  });

  t.test('fills the template with drivers', async (t) => {
    const { admin } = await startTestDaemon(t);

    const id = await admin.call<number>('one.host.allocate', 'node1', 'qemu', 'kvm', -1);

    const host = await admin.call<string>('one.host.info', id);
    t.equal(textAt(host, 'TEMPLATE/IM_MAD'), 'qemu');
    t.equal(textAt(host, 'TEMPLATE/VM_MAD'), 'kvm');
    t.equal(textAt(host, 'TEMPLATE/RESERVED_CPU'), '');
    t.equal(textAt(host, 'TEMPLATE/RESERVED_MEM'), '');
  });

  t.test('accepts cluster 0 and no cluster', async (t) => {
    const { admin } = await startTestDaemon(t);

    t.equal(await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', 0), 0);
    t.equal(await admin.call('one.host.allocate', 'node2', 'qemu', 'qemu'), 1);
  });

  t.test('rejects a taken name', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);

    const error = await apiError(admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1));

    t.equal(error.code, ErrorCode.ALLOCATE);
    t.match(error.message, /^\[one\.host\.allocate\] Error allocating a new host\. NAME "node1" is already taken by host 0/);
  });

  t.test('keeps names unique across owners', async (t) => {
    const daemon = await startTestDaemon(t);
    await daemon.admin.call('one.user.allocate', 'ops', 'pw', '', [0]);
    await daemon.admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);

    const error = await apiError(daemon.client('ops:pw').call('one.host.allocate', 'node1', 'qemu', 'qemu', -1));

    t.equal(error.code, ErrorCode.ALLOCATE);
  });

  t.test('rejects an invalid host name', async (t) => {
    const { admin } = await startTestDaemon(t);
    const invalid = ['', 'n', 'x'.repeat(64), '-node', '.node', 'node/1', 'node 1', 'fe80::1'];

    for (const name of invalid) {
      const error = await apiError(admin.call('one.host.allocate', name, 'qemu', 'qemu', -1));
      t.equal(error.code, ErrorCode.ALLOCATE, JSON.stringify(name));
    }
  });

  t.test('accepts letters, digits, dot, dash, underscore', async (t) => {
    const { admin } = await startTestDaemon(t);

    t.equal(await admin.call('one.host.allocate', 'node_1.grid-site.example', 'qemu', 'qemu', -1), 0);
  });

  t.test('rejects an empty driver', async (t) => {
    const { admin } = await startTestDaemon(t);

    const error = await apiError(admin.call('one.host.allocate', 'node1', '', 'qemu', -1));

    t.equal(error.code, ErrorCode.ALLOCATE);
  });

  t.test('rejects an unknown cluster', async (t) => {
    const { admin } = await startTestDaemon(t);

    const error = await apiError(admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', 7));

    t.equal(error.code, ErrorCode.NO_EXISTS);
    t.match(error.message, /Error getting cluster \[7\]/);
  });

  t.test('needs HOST CREATE', async (t) => {
    const daemon = await startTestDaemon(t);
    const carol = await createOutsider(daemon, 'carol');

    const error = await apiError(carol.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
  });

  t.test('faults without a driver', async (t) => {
    const { admin } = await startTestDaemon(t);

    t.equal(await faultCode(admin.call('one.host.allocate', 'node1', 'qemu')), -501);
  });
});

t.test('one.host.delete', async (t) => {
  t.test('removes the host', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);

    t.equal(await admin.call('one.host.delete', 0), 0);

    const error = await apiError(admin.call('one.host.info', 0));
    t.equal(error.code, ErrorCode.NO_EXISTS);
  });

  t.test('never reuses the id', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);
    await admin.call('one.host.delete', 0);

    const id = await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);

    t.equal(id, 1);
  });

  t.test('refuses a host running VMs', async (t) => {
    const daemon = await startTestDaemon(t);
    await daemon.admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);
    await changeStored(daemon, 'hosts', 0, (host) => {
      host.vms = [7];
    });

    const error = await apiError(daemon.admin.call('one.host.delete', 0));

    t.equal(error.code, ErrorCode.ACTION);
    t.equal(error.respId, 0);
  });

  t.test('rejects a missing host', async (t) => {
    const { admin } = await startTestDaemon(t);

    const error = await apiError(admin.call('one.host.delete', 3));

    t.equal(error.code, ErrorCode.NO_EXISTS);
    t.equal(error.message, '[one.host.delete] Error getting host [3].');
  });

  t.test('needs HOST ADMIN', async (t) => {
    const daemon = await startTestDaemon(t);
    await daemon.admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);
    const carol = await createOutsider(daemon, 'carol');

    const error = await apiError(carol.call('one.host.delete', 0));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.host.info', async (t) => {
  t.test('returns the HOST document', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);

    const host = await admin.call<string>('one.host.info', 0);

    t.match(host, /^<HOST><ID>0<\/ID><NAME>node1<\/NAME>/);
  });

  t.test('ignores the decrypt flag', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);

    const host = await admin.call<string>('one.host.info', 0, true);

    t.equal(textAt(host, 'NAME'), 'node1');
  });

  t.test('rejects a missing host', async (t) => {
    const { admin } = await startTestDaemon(t);

    const error = await apiError(admin.call('one.host.info', 0));

    t.equal(error.code, ErrorCode.NO_EXISTS);
  });

  t.test('needs HOST USE', async (t) => {
    const daemon = await startTestDaemon(t);
    await daemon.admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);
    const carol = await createOutsider(daemon, 'carol');

    const error = await apiError(carol.call('one.host.info', 0));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
    t.match(error.message, /Not authorized to perform USE HOST \[0\]/);
  });

  t.test('faults on a string id', async (t) => {
    const { admin } = await startTestDaemon(t);

    t.equal(await faultCode(admin.call('one.host.info', '0')), -501);
  });
});

t.test('one.host.update', async (t) => {
  t.test('type 0 replaces the template', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);

    await admin.call('one.host.update', 0, 'RACK = "r1"', 0);

    const host = await admin.call<string>('one.host.info', 0);
    t.equal(textAt(host, 'TEMPLATE/RACK'), 'r1');
    t.equal(textAt(host, 'TEMPLATE/IM_MAD'), undefined);
  });

  t.test('type 1 merges into the template', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);

    await admin.call('one.host.update', 0, 'RACK = "r1"', 1);

    const host = await admin.call<string>('one.host.info', 0);
    t.equal(textAt(host, 'TEMPLATE/RACK'), 'r1');
    t.equal(textAt(host, 'TEMPLATE/IM_MAD'), 'qemu');
  });

  t.test('replaces without a type', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);

    await admin.call('one.host.update', 0, 'RACK = "r1"');

    const host = await admin.call<string>('one.host.info', 0);
    t.equal(textAt(host, 'TEMPLATE/IM_MAD'), undefined);
  });

  t.test('rejects an unknown type', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);

    const error = await apiError(admin.call('one.host.update', 0, 'RACK = "r1"', 2));

    t.equal(error.code, ErrorCode.XML_RPC_API);
  });

  t.test('rejects a syntax error', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);

    const error = await apiError(admin.call('one.host.update', 0, 'RACK = [', 0));

    t.equal(error.code, ErrorCode.XML_RPC_API);
  });

  t.test('rejects a missing host', async (t) => {
    const { admin } = await startTestDaemon(t);

    const error = await apiError(admin.call('one.host.update', 5, 'RACK = "r1"', 0));

    t.equal(error.code, ErrorCode.NO_EXISTS);
  });

  t.test('needs HOST MANAGE', async (t) => {
    const daemon = await startTestDaemon(t);
    await daemon.admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);
    const carol = await createOutsider(daemon, 'carol');

    const error = await apiError(carol.call('one.host.update', 0, 'RACK = "r1"', 0));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.host.rename', async (t) => {
  t.test('changes the name', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);

    await admin.call('one.host.rename', 0, 'node9');

    t.equal(textAt(await admin.call<string>('one.host.info', 0), 'NAME'), 'node9');
  });

  t.test('accepts the current name', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);

    t.equal(await admin.call('one.host.rename', 0, 'node1'), 0);
  });

  t.test('rejects a taken name', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);
    await admin.call('one.host.allocate', 'node2', 'qemu', 'qemu', -1);

    const error = await apiError(admin.call('one.host.rename', 1, 'node1'));

    t.equal(error.code, ErrorCode.ACTION);
    t.equal(error.respId, 1);
  });

  t.test('rejects an invalid name', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);

    const error = await apiError(admin.call('one.host.rename', 0, 'node 1'));

    t.equal(error.code, ErrorCode.ACTION);
    t.match(error.message, /Cannot rename host 0 to "node 1": it cannot contain " "/);
  });

  t.test('rejects a missing host', async (t) => {
    const { admin } = await startTestDaemon(t);

    const error = await apiError(admin.call('one.host.rename', 0, 'node1'));

    t.equal(error.code, ErrorCode.NO_EXISTS);
  });

  t.test('needs HOST MANAGE', async (t) => {
    const daemon = await startTestDaemon(t);
    await daemon.admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);
    const carol = await createOutsider(daemon, 'carol');

    const error = await apiError(carol.call('one.host.rename', 0, 'node2'));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.host.status', async (t) => {
  t.test('disables, sets offline, enables', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);

    await admin.call('one.host.status', 0, 1);
    const disabled = await admin.call<string>('one.host.info', 0);
    await admin.call('one.host.status', 0, 2);
    const offline = await admin.call<string>('one.host.info', 0);
    await admin.call('one.host.status', 0, 0);
    const enabled = await admin.call<string>('one.host.info', 0);

    t.equal(textAt(disabled, 'STATE'), '4');
    t.equal(textAt(offline, 'STATE'), '8');
    t.equal(textAt(offline, 'PREV_STATE'), '4');
    t.equal(textAt(enabled, 'STATE'), '0');
  });

  t.test('rejects an unknown status', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);

    const error = await apiError(admin.call('one.host.status', 0, 3));

    t.equal(error.code, ErrorCode.XML_RPC_API);
  });

  t.test('rejects a missing host', async (t) => {
    const { admin } = await startTestDaemon(t);

    const error = await apiError(admin.call('one.host.status', 0, 1));

    t.equal(error.code, ErrorCode.NO_EXISTS);
  });

  t.test('needs HOST ADMIN', async (t) => {
    const daemon = await startTestDaemon(t);
    await daemon.admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);
    const carol = await createOutsider(daemon, 'carol');

    const error = await apiError(carol.call('one.host.status', 0, 1));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
  });

  t.test('faults on a boolean status', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);

    t.equal(await faultCode(admin.call('one.host.status', 0, true)), -501);
  });
});

t.test('group users and hosts', async (t) => {
  t.test('may manage but not delete', async (t) => {
    const daemon = await startTestDaemon(t);
    await daemon.admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);
    const alice = await createUser(daemon, 'alice');

    const updated = await alice.call('one.host.update', 0, 'RACK = "r1"', 1);
    const error = await apiError(alice.call('one.host.delete', 0));

    t.equal(updated, 0);
    t.equal(error.code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.hostpool.info', async (t) => {
  t.test('lists hosts by id', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);
    await admin.call('one.host.allocate', 'node2', 'qemu', 'qemu', -1);

    const pool = await admin.call<string>('one.hostpool.info');

    t.match(pool, /^<HOST_POOL><HOST>/);
    t.same(poolIds(pool), [0, 1]);
  });

  t.test('hides hosts a user may not use', async (t) => {
    const daemon = await startTestDaemon(t);
    await daemon.admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);
    const carol = await createOutsider(daemon, 'carol');

    const pool = await carol.call<string>('one.hostpool.info');

    t.equal(pool, '<HOST_POOL></HOST_POOL>');
  });

  t.test('ignores extra parameters', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);

    const pool = await admin.call<string>('one.hostpool.info', -2, -1, -1);

    t.same(poolIds(pool), [0]);
  });
});

t.test('host chown is no method', async (t) => {
  const { admin } = await startTestDaemon(t);

  t.equal(await faultCode(admin.call('one.host.chown', 0, 0, 0)), -506);
});
