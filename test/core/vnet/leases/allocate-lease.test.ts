import t, { type Test } from 'tap';

import { allocateLease, LeaseError, networkUsedLeases } from '../../../../core/vnet/leases/index.js';
import { makeNetwork } from './fixtures/network.js';

const IP4_RANGE = { TYPE: 'IP4', IP: '10.0.0.1', SIZE: '4', MAC: '02:00:0a:00:00:01' };

/** Runs `action` and returns the LeaseError it throws. */
function leaseError(t: Test, action: () => unknown): LeaseError {
  try {
    action();
  } catch (error) {
    t.type(error, LeaseError);
    return error as LeaseError;
  }
  t.fail('expected a LeaseError');
  return new LeaseError('invalid-request', '');
}

t.test('sequential allocation', async (t) => {
  const vnet = makeNetwork({ ranges: [IP4_RANGE] });

  const leases = [0, 1, 2].map((vmId) => allocateLease(vnet, { vmId, nicId: 0 }).lease);

  t.same(leases.map((lease) => lease.ip), ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  t.same(leases.map((lease) => lease.mac), ['02:00:0a:00:00:01', '02:00:0a:00:00:02', '02:00:0a:00:00:03']);
  t.same(leases.map((lease) => lease.offset), [0, 1, 2]);
  t.same(leases.map((lease) => lease.arId), [0, 0, 0]);
  t.same(vnet.addressRanges[0].leases, { 0: { vmId: 0 }, 1: { vmId: 1 }, 2: { vmId: 2 } });
  t.equal(vnet.usedLeases, 3);
  t.equal(networkUsedLeases(vnet), 3);
});

t.test('IP4 range crossing octets', async (t) => {
  const vnet = makeNetwork({ ranges: [{ TYPE: 'IP4', IP: '10.0.0.254', SIZE: '4' }] });

  const leases = [0, 1, 2, 3].map((vmId) => allocateLease(vnet, { vmId, nicId: 0 }).lease);

  t.same(leases.map((lease) => lease.ip), ['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']);
  t.same(
    leases.map((lease) => lease.mac),
    ['02:00:0a:00:00:fe', '02:00:0a:00:00:ff', '02:00:0a:00:01:00', '02:00:0a:00:01:01'],
    'a range stored without MAC gets MACs derived from its IPs',
  );
});

t.test('MAC of the range is used', async (t) => {
  const vnet = makeNetwork({ ranges: [{ TYPE: 'IP4', IP: '10.0.0.1', SIZE: '2', MAC: 'AA:BB:00:00:00:10' }] });

  const first = allocateLease(vnet, { vmId: 1, nicId: 0 }).lease;
  const second = allocateLease(vnet, { vmId: 2, nicId: 0 }).lease;

  t.equal(first.mac, 'aa:bb:00:00:00:10');
  t.equal(second.mac, 'aa:bb:00:00:00:11');
  t.equal(second.ip, '10.0.0.2');
});

t.test('specific IP request', async (t) => {
  const vnet = makeNetwork({ ranges: [IP4_RANGE] });

  const lease = allocateLease(vnet, { vmId: 7, nicId: 0, ip: '10.0.0.3' }).lease;
  t.equal(lease.ip, '10.0.0.3');
  t.equal(lease.mac, '02:00:0a:00:00:03');
  t.equal(lease.offset, 2);

  const next = allocateLease(vnet, { vmId: 8, nicId: 0 }).lease;
  t.equal(next.ip, '10.0.0.1', 'the lowest free address is still handed out next');
  const after = allocateLease(vnet, { vmId: 9, nicId: 0 }).lease;
  t.equal(after.ip, '10.0.0.2');
  const last = allocateLease(vnet, { vmId: 10, nicId: 0 }).lease;
  t.equal(last.ip, '10.0.0.4', 'the requested address is skipped');
});

t.test('specific MAC request', async (t) => {
  const vnet = makeNetwork({ ranges: [IP4_RANGE] });

  const lease = allocateLease(vnet, { vmId: 7, nicId: 0, mac: '02:00:0A:00:00:04' }).lease;

  t.equal(lease.mac, '02:00:0a:00:00:04');
  t.equal(lease.ip, '10.0.0.4', 'the IP at the same offset comes with it');
});

t.test('requested IP already leased', async (t) => {
  const vnet = makeNetwork({ ranges: [IP4_RANGE] });
  allocateLease(vnet, { vmId: 7, nicId: 0, ip: '10.0.0.2' });

  const error = leaseError(t, () => allocateLease(vnet, { vmId: 8, nicId: 1, ip: '10.0.0.2' }));

  t.equal(error.reason, 'address-in-use');
  t.equal(error.message, 'NIC 1: IP 10.0.0.2 of virtual network 3 (priv) is already leased to VM 7.');
  t.equal(vnet.usedLeases, 1, 'the failed request leases nothing');
});

t.test('requested MAC already leased', async (t) => {
  const vnet = makeNetwork({ ranges: [IP4_RANGE] });
  allocateLease(vnet, { vmId: 7, nicId: 0 });

  const error = leaseError(t, () => allocateLease(vnet, { vmId: 8, nicId: 0, mac: '02:00:0a:00:00:01' }));

  t.equal(error.reason, 'address-in-use');
  t.equal(error.message, 'NIC 0: MAC 02:00:0a:00:00:01 of virtual network 3 (priv) is already leased to VM 7.');
});

t.test('requested address outside every range', async (t) => {
  const vnet = makeNetwork({ ranges: [IP4_RANGE] });

  const ipError = leaseError(t, () => allocateLease(vnet, { vmId: 1, nicId: 0, ip: '10.0.0.5' }));
  t.equal(ipError.reason, 'outside-ranges');
  t.equal(ipError.message, 'NIC 0: IP 10.0.0.5 is not in any address range of virtual network 3 (priv).');

  const macError = leaseError(t, () => allocateLease(vnet, { vmId: 1, nicId: 0, mac: '02:01:0a:00:00:01' }));
  t.equal(macError.reason, 'outside-ranges');
  t.equal(macError.message, 'NIC 0: MAC 02:01:0a:00:00:01 is not in any address range of virtual network 3 (priv).');
});

t.test('invalid requests', async (t) => {
  const vnet = makeNetwork({ ranges: [IP4_RANGE] });

  const both = leaseError(t, () => allocateLease(vnet, { vmId: 1, nicId: 2, ip: '10.0.0.1', mac: '02:00:0a:00:00:01' }));
  t.equal(both.reason, 'invalid-request');
  t.equal(both.message, 'NIC 2: give only one of IP, IP6 and MAC, not IP and MAC.');

  const badIp = leaseError(t, () => allocateLease(vnet, { vmId: 1, nicId: 0, ip: '10.0.0.300' }));
  t.equal(badIp.reason, 'invalid-request');
  t.equal(badIp.message, 'NIC 0: IP "10.0.0.300" is not an IPv4 address.');

  const badMac = leaseError(t, () => allocateLease(vnet, { vmId: 1, nicId: 0, mac: 'nope' }));
  t.equal(badMac.reason, 'invalid-request');
  t.match(badMac.message, /^NIC 0: MAC "nope" is not a MAC address/);
  t.equal(vnet.usedLeases, 0);
});

t.test('exhaustion message', async (t) => {
  const vnet = makeNetwork({ ranges: [{ TYPE: 'IP4', IP: '10.0.0.1', SIZE: '2' }] });
  allocateLease(vnet, { vmId: 1, nicId: 0 });
  allocateLease(vnet, { vmId: 2, nicId: 0 });

  const error = leaseError(t, () => allocateLease(vnet, { vmId: 3, nicId: 0 }));

  t.equal(error.reason, 'no-free-address');
  t.equal(error.message, 'NIC 0: virtual network 3 (priv) has no free address in its 1 address range; add one with one.vn.add_ar.');
  t.equal(vnet.usedLeases, 2);
});

t.test('exhaustion of several ranges', async (t) => {
  const vnet = makeNetwork({
    ranges: [
      { TYPE: 'IP4', IP: '10.0.0.1', SIZE: '1' },
      { TYPE: 'IP4', IP: '10.0.1.1', SIZE: '1' },
    ],
  });
  allocateLease(vnet, { vmId: 1, nicId: 0 });
  allocateLease(vnet, { vmId: 2, nicId: 0 });

  const error = leaseError(t, () => allocateLease(vnet, { vmId: 3, nicId: 0 }));

  t.equal(error.message, 'NIC 0: virtual network 3 (priv) has no free address in its 2 address ranges; add one with one.vn.add_ar.');
});

t.test('network without ranges', async (t) => {
  const vnet = makeNetwork({ ranges: [] });

  const error = leaseError(t, () => allocateLease(vnet, { vmId: 1, nicId: 0 }));

  t.equal(error.reason, 'no-free-address');
  t.equal(error.message, 'NIC 0: virtual network 3 (priv) has no address range; add one with one.vn.add_ar.');
});

t.test('ranges used in AR_ID order', async (t) => {
  const vnet = makeNetwork({
    ranges: [
      { TYPE: 'IP4', IP: '10.0.0.1', SIZE: '1' },
      { TYPE: 'IP4', IP: '192.168.0.1', SIZE: '2' },
    ],
  });

  const leases = [1, 2, 3].map((vmId) => allocateLease(vnet, { vmId, nicId: 0 }).lease);

  t.same(leases.map((lease) => lease.ip), ['10.0.0.1', '192.168.0.1', '192.168.0.2']);
  t.same(leases.map((lease) => lease.arId), [0, 1, 1]);
});

t.test('AR_ID restriction', async (t) => {
  const vnet = makeNetwork({
    ranges: [
      { TYPE: 'IP4', IP: '10.0.0.1', SIZE: '4' },
      { TYPE: 'IP4', IP: '192.168.0.1', SIZE: '1' },
    ],
  });

  const lease = allocateLease(vnet, { vmId: 1, nicId: 0, arId: 1 }).lease;
  t.equal(lease.ip, '192.168.0.1');
  t.equal(lease.arId, 1);

  const full = leaseError(t, () => allocateLease(vnet, { vmId: 2, nicId: 0, arId: 1 }));
  t.equal(full.reason, 'no-free-address');
  t.equal(
    full.message,
    'NIC 0: address range 1 of virtual network 3 (priv) has no free address; lease from another range or add one with one.vn.add_ar.',
  );

  const outside = leaseError(t, () => allocateLease(vnet, { vmId: 2, nicId: 0, arId: 1, ip: '10.0.0.2' }));
  t.equal(outside.reason, 'outside-ranges');
  t.equal(outside.message, 'NIC 0: IP 10.0.0.2 is not in address range 1 of virtual network 3 (priv).');

  const inFirst = allocateLease(vnet, { vmId: 2, nicId: 0, arId: 0, ip: '10.0.0.2' }).lease;
  t.equal(inFirst.arId, 0);
  t.equal(inFirst.ip, '10.0.0.2');
});

t.test('unknown AR_ID', async (t) => {
  const vnet = makeNetwork({ ranges: [IP4_RANGE, IP4_RANGE] });

  const error = leaseError(t, () => allocateLease(vnet, { vmId: 1, nicId: 0, arId: 7 }));

  t.equal(error.reason, 'unknown-range');
  t.equal(error.message, 'NIC 0: address range 7 does not exist in virtual network 3 (priv); its ranges are 0, 1.');
});

t.test('overlapping ranges', async (t) => {
  const vnet = makeNetwork({ ranges: [IP4_RANGE, IP4_RANGE] });
  allocateLease(vnet, { vmId: 1, nicId: 0, ip: '10.0.0.2' });

  const second = allocateLease(vnet, { vmId: 2, nicId: 0, ip: '10.0.0.2' }).lease;

  t.equal(second.arId, 1, 'an address taken in one range is leased from the next range that has it');
  const third = leaseError(t, () => allocateLease(vnet, { vmId: 3, nicId: 0, ip: '10.0.0.2' }));
  t.equal(third.reason, 'address-in-use');
});

t.test('ETHER range', async (t) => {
  const vnet = makeNetwork({ ranges: [{ TYPE: 'ETHER', SIZE: '3', MAC: '02:00:12:34:56:fe' }] });

  const leases = [1, 2, 3].map((vmId) => allocateLease(vnet, { vmId, nicId: 0 }));

  t.same(leases.map(({ lease }) => lease.mac), ['02:00:12:34:56:fe', '02:00:12:34:56:ff', '02:00:12:34:57:00']);
  t.same(leases.map(({ lease }) => lease.ip), [undefined, undefined, undefined], 'no IP addresses');
  t.same(leases[0].nicAttributes, [['MAC', '02:00:12:34:56:fe'], ['AR_ID', '0']]);

  const fresh = makeNetwork({ ranges: [{ TYPE: 'ETHER', SIZE: '3', MAC: '02:00:12:34:56:fe' }] });
  const byIp = leaseError(t, () => allocateLease(fresh, { vmId: 1, nicId: 0, ip: '10.0.0.1' }));
  t.equal(byIp.reason, 'outside-ranges', 'an IP cannot be requested from an ETHER range');
});

t.test('ETHER range without MAC', async (t) => {
  const vnet = makeNetwork({ ranges: [{ TYPE: 'ETHER', SIZE: '3' }] });

  const error = leaseError(t, () => allocateLease(vnet, { vmId: 1, nicId: 0 }));

  t.equal(error.reason, 'invalid-range');
  t.equal(error.message, 'NIC 0: address range 0 of virtual network 3 (priv) has no valid MAC ("").');
});

t.test('IP4_6 range', async (t) => {
  const vnet = makeNetwork({
    ranges: [{ TYPE: 'IP4_6', IP: '10.0.0.1', SIZE: '2', ULA_PREFIX: 'fd00:1::', GLOBAL_PREFIX: '2001:db8:1:2::' }],
  });

  const { lease, nicAttributes } = allocateLease(vnet, { vmId: 1, nicId: 0 });

  t.equal(lease.ip, '10.0.0.1');
  t.equal(lease.mac, '02:00:0a:00:00:01');
  t.equal(lease.ip6Link, 'fe80::aff:fe00:1');
  t.equal(lease.ip6Ula, 'fd00:1::aff:fe00:1');
  t.equal(lease.ip6Global, '2001:db8:1:2:0:aff:fe00:1');
  t.same(nicAttributes.slice(0, 5), [
    ['IP', '10.0.0.1'],
    ['IP6_LINK', 'fe80::aff:fe00:1'],
    ['IP6_ULA', 'fd00:1::aff:fe00:1'],
    ['IP6_GLOBAL', '2001:db8:1:2:0:aff:fe00:1'],
    ['MAC', '02:00:0a:00:00:01'],
  ]);
});

t.test('IP6_STATIC range', async (t) => {
  const vnet = makeNetwork({ ranges: [{ TYPE: 'IP6_STATIC', IP6: '2001:db8::ffff', PREFIX_LENGTH: '64', SIZE: '4', MAC: '02:00:00:00:00:01' }] });

  const first = allocateLease(vnet, { vmId: 1, nicId: 0 }).lease;
  const second = allocateLease(vnet, { vmId: 2, nicId: 0 }).lease;
  const requested = allocateLease(vnet, { vmId: 3, nicId: 0, ip6: '2001:db8::1:2' }).lease;

  t.equal(first.ip6, '2001:db8::ffff');
  t.equal(second.ip6, '2001:db8::1:0', 'the address carries past a 16-bit group');
  t.equal(requested.ip6, '2001:db8::1:2');
  t.equal(requested.offset, 3);
  t.equal(requested.mac, '02:00:00:00:00:04');
  t.equal(first.ip, undefined);
  t.equal(first.ip6Link, undefined, 'static ranges get no link-local address');
});

t.test('NIC attributes of a lease', async (t) => {
  const vnet = makeNetwork({
    ranges: [{ TYPE: 'IP4', IP: '10.0.0.1', SIZE: '4', GATEWAY: '10.0.0.254' }],
    template: 'NETWORK_ADDRESS = "10.0.0.0"\nNETWORK_MASK = "255.255.255.0"\nGATEWAY = "10.0.0.1"\nDNS = "10.0.0.53"\nDESCRIPTION = "lab"',
  });

  const { nicAttributes } = allocateLease(vnet, { vmId: 1, nicId: 0 });

  t.same(nicAttributes, [
    ['IP', '10.0.0.1'],
    ['MAC', '02:00:0a:00:00:01'],
    ['AR_ID', '0'],
    ['GATEWAY', '10.0.0.254'],
    ['NETWORK_ADDRESS', '10.0.0.0'],
    ['NETWORK_MASK', '255.255.255.0'],
    ['DNS', '10.0.0.53'],
  ]);
});
