import t, { type Test } from 'tap';
import { startTestDaemon } from '../helpers/daemon.js';
import { apiError, changeStored, createNetwork, createOutsider, ErrorCode, find, findAll, parseXml, poolIds, textAt } from '../helpers/objects.js';

/** The nine `chmod` arguments that give other users USE and MANAGE. */
const OTHERS_MAY_MANAGE = [-1, -1, -1, -1, -1, -1, 1, 1, -1];

/**
 * Starts a daemon with user carol (uid 2) outside group users, so only permissions
 * let her use a network. The tests create networks as oneadmin because only administrators may.
 */
async function site(t: Test) {
  const daemon = await startTestDaemon(t);
  const carol = await createOutsider(daemon, 'carol');
  return { daemon, admin: daemon.admin, carol };
}

t.test('one.vn.allocate', async (t) => {
  t.test('creates the network', async (t) => {
    const { admin } = await site(t);

    const id = await createNetwork(admin, 'private');

    const vnet = await admin.call<string>('one.vn.info', id);
    t.equal(id, 0);
    t.equal(textAt(vnet, 'NAME'), 'private');
    t.equal(textAt(vnet, 'VN_MAD'), 'bridge');
    t.equal(textAt(vnet, 'BRIDGE'), 'onebr0');
    t.equal(textAt(vnet, 'BRIDGE_TYPE'), 'linux');
    t.equal(textAt(vnet, 'STATE'), '1');
    t.equal(textAt(vnet, 'CLUSTERS/ID'), '0');
    t.equal(textAt(vnet, 'TEMPLATE/NAME'), undefined);
  });

  t.test('keeps given BRIDGE and VLAN_ID', async (t) => {
    const { admin } = await site(t);

    const id = await createNetwork(admin, 'lab', 'BRIDGE = "br-lab"\nVLAN_ID = "42"');

    const vnet = await admin.call<string>('one.vn.info', id);
    t.equal(textAt(vnet, 'BRIDGE'), 'br-lab');
    t.equal(textAt(vnet, 'VLAN_ID'), '42');
  });

  t.test('numbers address ranges from 0', async (t) => {
    const { admin } = await site(t);
    const text = 'NAME = "two"\nVN_MAD = "bridge"\nAR = [ TYPE = "IP4", IP = "10.0.0.1", SIZE = "4" ]\nAR = [ TYPE = "ETHER", SIZE = "2" ]';

    const id = await admin.call<number>('one.vn.allocate', text, -1);

    const ranges = findAll(parseXml(await admin.call<string>('one.vn.info', id)), 'AR_POOL/AR');
    t.same(ranges.map((range) => find(range, 'AR_ID').text), ['0', '1']);
  });

  t.test('derives the first MAC from IP', async (t) => {
    const { admin } = await site(t);

    const id = await createNetwork(admin, 'private');

    const vnet = await admin.call<string>('one.vn.info', id);
    t.equal(textAt(vnet, 'USED_LEASES'), '0');
    t.equal(textAt(vnet, 'AR_POOL/AR/USED_LEASES'), '0');
    t.equal(textAt(vnet, 'AR_POOL/AR/MAC'), '02:00:0a:00:00:01');
    t.equal(textAt(vnet, 'AR_POOL/AR/MAC_END'), '02:00:0a:00:00:10');
    t.equal(textAt(vnet, 'AR_POOL/AR/IP_END'), '10.0.0.16');
  });

  t.test('keeps names unique per owner', async (t) => {
    const { daemon, admin } = await site(t);
    await daemon.admin.call('one.user.allocate', 'ops', 'pw', '', [0]);
    await createNetwork(admin, 'private');

    const other = await createNetwork(daemon.client('ops:pw'), 'private');
    const error = await apiError(createNetwork(admin, 'private'));

    t.equal(other, 1);
    t.equal(error.code, ErrorCode.ALLOCATE);
  });

  t.test('rejects an invalid name', async (t) => {
    const { admin } = await site(t);

    t.equal((await apiError(createNetwork(admin, "o'brien"))).code, ErrorCode.ALLOCATE);
  });

  t.test('needs VN_MAD', async (t) => {
    const { admin } = await site(t);

    t.equal((await apiError(admin.call('one.vn.allocate', 'NAME = "x"', -1))).code, ErrorCode.ALLOCATE);
  });

  t.test('rejects an invalid range', async (t) => {
    const { admin } = await site(t);
    const text = 'NAME = "x"\nVN_MAD = "bridge"\nAR = [ TYPE = "IP4", IP = "10.0.0", SIZE = "4" ]';

    const error = await apiError(admin.call('one.vn.allocate', text, -1));

    t.equal(error.code, ErrorCode.ALLOCATE);
    t.match(error.message, /needs IP/);
  });

  t.test('rejects an unknown cluster', async (t) => {
    const { admin } = await site(t);

    const error = await apiError(admin.call('one.vn.allocate', 'NAME = "x"\nVN_MAD = "bridge"', 4));

    t.equal(error.code, ErrorCode.NO_EXISTS);
  });

  t.test('needs NET CREATE', async (t) => {
    const { carol } = await site(t);

    t.equal((await apiError(createNetwork(carol, 'mine'))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.vn.delete', async (t) => {
  t.test('removes the network', async (t) => {
    const { admin } = await site(t);
    const id = await createNetwork(admin, 'private');

    await admin.call('one.vn.delete', id);

    t.equal((await apiError(admin.call('one.vn.info', id))).code, ErrorCode.NO_EXISTS);
  });

  t.test('never reuses the id', async (t) => {
    const { admin } = await site(t);
    await createNetwork(admin, 'private');
    await admin.call('one.vn.delete', 0);

    t.equal(await createNetwork(admin, 'private'), 1);
  });

  t.test('refuses a network with leases', async (t) => {
    const { admin } = await site(t);
    const id = await createNetwork(admin, 'private');
    await admin.call('one.vn.hold', id, 'LEASES = [ IP = "10.0.0.3" ]');

    t.equal((await apiError(admin.call('one.vn.delete', id))).code, ErrorCode.ACTION);
  });

  t.test('ignores a stale lease counter', async (t) => {
    const { daemon, admin } = await site(t);
    const id = await createNetwork(admin, 'private');
    await changeStored(daemon, 'vnets', id, (vnet) => {
      vnet.usedLeases = 1;
    });

    await admin.call('one.vn.delete', id);

    t.equal((await apiError(admin.call('one.vn.info', id))).code, ErrorCode.NO_EXISTS);
  });

  t.test('rejects a missing network', async (t) => {
    const { admin } = await site(t);

    t.equal((await apiError(admin.call('one.vn.delete', 3))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs NET MANAGE', async (t) => {
    const { admin, carol } = await site(t);
    const id = await createNetwork(admin, 'private');

    t.equal((await apiError(carol.call('one.vn.delete', id))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.vn.info', async (t) => {
  t.test('returns the VNET document', async (t) => {
    const { admin } = await site(t);
    await createNetwork(admin, 'private');

    t.match(await admin.call<string>('one.vn.info', 0), /^<VNET><ID>0<\/ID>/);
  });

  t.test('rejects a missing network', async (t) => {
    const { admin } = await site(t);

    t.equal((await apiError(admin.call('one.vn.info', 3))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs NET USE', async (t) => {
    const { admin, carol } = await site(t);
    const id = await createNetwork(admin, 'private');

    t.equal((await apiError(carol.call('one.vn.info', id))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.vn.update', async (t) => {
  t.test('type 0 replaces the template', async (t) => {
    const { admin } = await site(t);
    const id = await createNetwork(admin, 'private', 'DNS = "10.0.0.254"');

    await admin.call('one.vn.update', id, 'GATEWAY = "10.0.0.1"', 0);

    const vnet = await admin.call<string>('one.vn.info', id);
    t.equal(textAt(vnet, 'TEMPLATE/GATEWAY'), '10.0.0.1');
    t.equal(textAt(vnet, 'TEMPLATE/DNS'), undefined);
  });

  t.test('type 1 merges into the template', async (t) => {
    const { admin } = await site(t);
    const id = await createNetwork(admin, 'private', 'DNS = "10.0.0.254"');

    await admin.call('one.vn.update', id, 'GATEWAY = "10.0.0.1"', 1);

    const vnet = await admin.call<string>('one.vn.info', id);
    t.equal(textAt(vnet, 'TEMPLATE/GATEWAY'), '10.0.0.1');
    t.equal(textAt(vnet, 'TEMPLATE/DNS'), '10.0.0.254');
  });

  t.test('rejects an unknown type', async (t) => {
    const { admin } = await site(t);
    const id = await createNetwork(admin, 'private');

    t.equal((await apiError(admin.call('one.vn.update', id, 'A = 1', 5))).code, ErrorCode.XML_RPC_API);
  });

  t.test('rejects a missing network', async (t) => {
    const { admin } = await site(t);

    t.equal((await apiError(admin.call('one.vn.update', 3, 'A = 1', 0))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs NET MANAGE', async (t) => {
    const { admin, carol } = await site(t);
    const id = await createNetwork(admin, 'private');

    t.equal((await apiError(carol.call('one.vn.update', id, 'A = 1', 1))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.vn.chown', async (t) => {
  t.test('gives the network to a user', async (t) => {
    const { admin } = await site(t);
    const id = await createNetwork(admin, 'private');

    await admin.call('one.vn.chown', id, 2, 1);

    const vnet = await admin.call<string>('one.vn.info', id);
    t.equal(textAt(vnet, 'UNAME'), 'carol');
    t.equal(textAt(vnet, 'GNAME'), 'users');
  });

  t.test('rejects a missing group', async (t) => {
    const { admin } = await site(t);
    const id = await createNetwork(admin, 'private');

    t.equal((await apiError(admin.call('one.vn.chown', id, -1, 999))).code, ErrorCode.NO_EXISTS);
  });

  t.test('rejects a missing network', async (t) => {
    const { admin } = await site(t);

    t.equal((await apiError(admin.call('one.vn.chown', 3, 2, -1))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs NET MANAGE', async (t) => {
    const { admin, carol } = await site(t);
    const id = await createNetwork(admin, 'private');

    t.equal((await apiError(carol.call('one.vn.chown', id, 2, -1))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.vn.chmod', async (t) => {
  t.test('lets others use it', async (t) => {
    const { admin, carol } = await site(t);
    const id = await createNetwork(admin, 'private');

    await admin.call('one.vn.chmod', id, -1, -1, -1, -1, -1, -1, 1, -1, -1);

    t.equal(textAt(await carol.call<string>('one.vn.info', id), 'NAME'), 'private');
  });

  t.test('rejects a value other than -1, 0, 1', async (t) => {
    const { admin } = await site(t);
    const id = await createNetwork(admin, 'private');

    t.equal((await apiError(admin.call('one.vn.chmod', id, 1, 1, 0, 0, 0, 0, 0, 0, 5))).code, ErrorCode.XML_RPC_API);
  });

  t.test('rejects a missing network', async (t) => {
    const { admin } = await site(t);

    t.equal((await apiError(admin.call('one.vn.chmod', 3, 1, 1, 0, 0, 0, 0, 0, 0, 0))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs NET MANAGE', async (t) => {
    const { admin, carol } = await site(t);
    const id = await createNetwork(admin, 'private');

    t.equal((await apiError(carol.call('one.vn.chmod', id, 1, 1, 0, 0, 0, 0, 1, 0, 0))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.vn.rename', async (t) => {
  t.test('changes the name', async (t) => {
    const { admin } = await site(t);
    const id = await createNetwork(admin, 'private');

    await admin.call('one.vn.rename', id, 'public');

    t.equal(textAt(await admin.call<string>('one.vn.info', id), 'NAME'), 'public');
  });

  t.test('rejects a name the owner has', async (t) => {
    const { admin } = await site(t);
    await createNetwork(admin, 'private');
    const id = await createNetwork(admin, 'public');

    t.equal((await apiError(admin.call('one.vn.rename', id, 'private'))).code, ErrorCode.ACTION);
  });

  t.test('rejects an invalid name', async (t) => {
    const { admin } = await site(t);
    const id = await createNetwork(admin, 'private');

    t.equal((await apiError(admin.call('one.vn.rename', id, 'a{b}'))).code, ErrorCode.ACTION);
  });

  t.test('rejects a missing network', async (t) => {
    const { admin } = await site(t);

    t.equal((await apiError(admin.call('one.vn.rename', 3, 'x'))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs NET MANAGE', async (t) => {
    const { admin, carol } = await site(t);
    const id = await createNetwork(admin, 'private');

    t.equal((await apiError(carol.call('one.vn.rename', id, 'x'))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.vn.add_ar', async (t) => {
  t.test('appends a range with the next id', async (t) => {
    const { admin } = await site(t);
    const id = await createNetwork(admin, 'private');

    await admin.call('one.vn.add_ar', id, 'AR = [ TYPE = "IP4", IP = "10.0.1.1", SIZE = "8" ]');

    const ranges = findAll(parseXml(await admin.call<string>('one.vn.info', id)), 'AR_POOL/AR');
    t.same(ranges.map((range) => find(range, 'AR_ID').text), ['0', '1']);
    t.equal(find(ranges[1], 'MAC').text, '02:00:0a:00:01:01');
  });

  t.test('keeps a given MAC', async (t) => {
    const { admin } = await site(t);
    const id = await createNetwork(admin, 'private');

    await admin.call('one.vn.add_ar', id, 'AR = [ TYPE = "ETHER", MAC = "02:aa:00:00:00:fe", SIZE = "4" ]');

    const ranges = findAll(parseXml(await admin.call<string>('one.vn.info', id)), 'AR_POOL/AR');
    t.equal(find(ranges[1], 'MAC').text, '02:aa:00:00:00:fe');
    t.equal(find(ranges[1], 'MAC_END').text, '02:aa:00:00:01:01');
  });

  t.test('rejects an invalid range', async (t) => {
    const { admin } = await site(t);
    const id = await createNetwork(admin, 'private');

    const size = await apiError(admin.call('one.vn.add_ar', id, 'AR = [ TYPE = "IP4", IP = "10.0.1.1", SIZE = "0" ]'));
    const type = await apiError(admin.call('one.vn.add_ar', id, 'AR = [ TYPE = "IPX", SIZE = "4" ]'));
    const none = await apiError(admin.call('one.vn.add_ar', id, 'SIZE = "4"'));

    t.equal(size.code, ErrorCode.XML_RPC_API);
    t.equal(type.code, ErrorCode.XML_RPC_API);
    t.equal(none.code, ErrorCode.XML_RPC_API);
  });

  t.test('rejects a missing network', async (t) => {
    const { admin } = await site(t);

    t.equal((await apiError(admin.call('one.vn.add_ar', 3, 'AR = [ TYPE = "ETHER", SIZE = "4" ]'))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs NET ADMIN', async (t) => {
    const { admin, carol } = await site(t);
    const id = await createNetwork(admin, 'private');
    await admin.call('one.vn.chmod', id, ...OTHERS_MAY_MANAGE);

    const error = await apiError(carol.call('one.vn.add_ar', id, 'AR = [ TYPE = "ETHER", SIZE = "4" ]'));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.vn.rm_ar', async (t) => {
  t.test('removes the range', async (t) => {
    const { admin } = await site(t);
    const id = await createNetwork(admin, 'private');

    await admin.call('one.vn.rm_ar', id, 0);

    t.equal(textAt(await admin.call<string>('one.vn.info', id), 'AR_POOL/AR'), undefined);
  });

  t.test('rejects an unknown range', async (t) => {
    const { admin } = await site(t);
    const id = await createNetwork(admin, 'private');

    t.equal((await apiError(admin.call('one.vn.rm_ar', id, 5))).code, ErrorCode.ACTION);
  });

  t.test('rejects a missing network', async (t) => {
    const { admin } = await site(t);

    t.equal((await apiError(admin.call('one.vn.rm_ar', 3, 0))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs NET ADMIN', async (t) => {
    const { admin, carol } = await site(t);
    const id = await createNetwork(admin, 'private');
    await admin.call('one.vn.chmod', id, ...OTHERS_MAY_MANAGE);

    t.equal((await apiError(carol.call('one.vn.rm_ar', id, 0))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.vn.update_ar', async (t) => {
  t.test('changes SIZE but not IP', async (t) => {
    const { admin } = await site(t);
    const id = await createNetwork(admin, 'private');

    await admin.call('one.vn.update_ar', id, 'AR = [ AR_ID = "0", SIZE = "32", IP = "192.168.0.1" ]');

    const vnet = await admin.call<string>('one.vn.info', id);
    t.equal(textAt(vnet, 'AR_POOL/AR/SIZE'), '32');
    t.equal(textAt(vnet, 'AR_POOL/AR/IP'), '10.0.0.1');
  });

  t.test('rejects an unknown AR_ID', async (t) => {
    const { admin } = await site(t);
    const id = await createNetwork(admin, 'private');

    t.equal((await apiError(admin.call('one.vn.update_ar', id, 'AR = [ AR_ID = "3", SIZE = "2" ]'))).code, ErrorCode.ACTION);
  });

  t.test('rejects an invalid SIZE', async (t) => {
    const { admin } = await site(t);
    const id = await createNetwork(admin, 'private');

    t.equal((await apiError(admin.call('one.vn.update_ar', id, 'AR = [ AR_ID = "0", SIZE = "-2" ]'))).code, ErrorCode.XML_RPC_API);
  });

  t.test('rejects a missing network', async (t) => {
    const { admin } = await site(t);

    t.equal((await apiError(admin.call('one.vn.update_ar', 3, 'AR = [ AR_ID = "0", SIZE = "2" ]'))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs NET MANAGE', async (t) => {
    const { admin, carol } = await site(t);
    const id = await createNetwork(admin, 'private');

    t.equal((await apiError(carol.call('one.vn.update_ar', id, 'AR = [ AR_ID = "0", SIZE = "2" ]'))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.vnpool.info', async (t) => {
  t.test('filters, ranges and pages', async (t) => {
    const { admin, carol } = await site(t);
    await createNetwork(admin, 'n0');
    await createNetwork(admin, 'n1');
    await createNetwork(admin, 'n2');
    await admin.call('one.vn.chown', 1, 2, 1);

    t.same(poolIds(await carol.call<string>('one.vnpool.info', -3, -1, -1)), [1]);
    t.same(poolIds(await admin.call<string>('one.vnpool.info', -3, -1, -1)), [0, 2]);
    t.same(poolIds(await admin.call<string>('one.vnpool.info', -2, 0, 1)), [0, 1]);
    t.same(poolIds(await admin.call<string>('one.vnpool.info', -2, 2, -1)), [2]);
    t.same(poolIds(await admin.call<string>('one.vnpool.info', -2, 2, -5)), [2]);
  });

  t.test('writes VNET_POOL', async (t) => {
    const { admin } = await site(t);
    await createNetwork(admin, 'n0');

    t.match(await admin.call<string>('one.vnpool.info', -2, -1, -1), /^<VNET_POOL><VNET>/);
  });

  t.test('rejects an invalid filter', async (t) => {
    const { admin } = await site(t);

    t.equal((await apiError(admin.call('one.vnpool.info', -6, -1, -1))).code, ErrorCode.XML_RPC_API);
  });
});
