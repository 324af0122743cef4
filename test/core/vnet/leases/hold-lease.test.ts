import t, { type Test } from 'tap';

import { allocateLease, holdLease, LeaseError, leasesXml, releaseHold, releaseLeases } from '../../../../core/vnet/leases/index.js';
import { makeNetwork } from './fixtures/network.js';

const RANGE = { TYPE: 'IP4', IP: '10.0.0.1', SIZE: '4' };

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

t.test('held address is skipped', async (t) => {
  const vnet = makeNetwork({ ranges: [RANGE] });

  const heldLeases = holdLease(vnet, { ip: '10.0.0.1' });

  t.same(heldLeases, [{ arId: 0, offset: 0, mac: '02:00:0a:00:00:01', ip: '10.0.0.1' }]);
  t.same(vnet.addressRanges[0].leases, { 0: { vmId: -1 } }, 'a hold is a lease of VM -1');
  t.equal(vnet.usedLeases, 1, 'holds count as used leases');
  t.equal(allocateLease(vnet, { vmId: 1, nicId: 0 }).lease.ip, '10.0.0.2');
});

t.test('held address cannot be requested', async (t) => {
  const vnet = makeNetwork({ ranges: [RANGE] });
  holdLease(vnet, { mac: '02:00:0a:00:00:03' });

  const error = leaseError(t, () => allocateLease(vnet, { vmId: 1, nicId: 0, ip: '10.0.0.3' }));

  t.equal(error.reason, 'address-in-use');
  t.equal(error.message, 'NIC 0: IP 10.0.0.3 of virtual network 3 (priv) is on hold; free it with one.vn.release first.');
});

t.test('hold of a leased address', async (t) => {
  const vnet = makeNetwork({ ranges: [RANGE] });
  allocateLease(vnet, { vmId: 4, nicId: 0 });

  const error = leaseError(t, () => holdLease(vnet, { ip: '10.0.0.1' }));

  t.equal(error.reason, 'address-in-use');
  t.equal(error.message, 'Cannot hold the lease: IP 10.0.0.1 of virtual network 3 (priv) is already leased to VM 4.');
  t.equal(vnet.usedLeases, 1);
});

t.test('hold needs one address in a range', async (t) => {
  const vnet = makeNetwork({ ranges: [RANGE] });

  const none = leaseError(t, () => holdLease(vnet, {}));
  t.equal(none.reason, 'invalid-request');
  t.equal(none.message, 'Cannot hold the lease: the request is missing MAC, IP or IP6; give one of them.');

  const outside = leaseError(t, () => holdLease(vnet, { ip: '10.0.0.9' }));
  t.equal(outside.reason, 'outside-ranges');
  t.equal(outside.message, 'Cannot hold the lease: IP 10.0.0.9 is not in any address range of virtual network 3 (priv).');

  const unknownRange = leaseError(t, () => holdLease(vnet, { ip: '10.0.0.1', arId: 4 }));
  t.equal(unknownRange.reason, 'unknown-range');
  t.equal(vnet.usedLeases, 0);
});

t.test('hold without AR_ID in overlapping ranges', async (t) => {
  const vnet = makeNetwork({ ranges: [RANGE, RANGE] });

  const heldLeases = holdLease(vnet, { ip: '10.0.0.2' });

  t.same(heldLeases.map((lease) => lease.arId), [0, 1], 'every range that contains the address holds it');
  t.equal(vnet.usedLeases, 2);

  const other = holdLease(vnet, { ip: '10.0.0.3', arId: 1 });
  t.same(other.map((lease) => lease.arId), [1], 'AR_ID limits the hold to one range');
});

t.test('releaseHold frees the hold', async (t) => {
  const vnet = makeNetwork({ ranges: [RANGE] });
  holdLease(vnet, { ip: '10.0.0.1' });

  t.equal(releaseHold(vnet, { ip: '10.0.0.1' }), 1);
  t.equal(vnet.usedLeases, 0);
  t.same(vnet.addressRanges[0].leases, {});
  t.equal(allocateLease(vnet, { vmId: 1, nicId: 0 }).lease.ip, '10.0.0.1', 'the address is leased again');
});

t.test('releaseHold keeps VM leases', async (t) => {
  const vnet = makeNetwork({ ranges: [RANGE] });
  allocateLease(vnet, { vmId: 2, nicId: 0 });

  t.equal(releaseHold(vnet, { ip: '10.0.0.1' }), 0);
  t.equal(releaseHold(vnet, { ip: '10.9.9.9' }), 0, 'an address outside every range is no error');
  t.equal(vnet.usedLeases, 1);
  t.same(vnet.addressRanges[0].leases, { 0: { vmId: 2 } });
});

t.test('releaseLeases leaves holds alone', async (t) => {
  const vnet = makeNetwork({ ranges: [RANGE] });
  holdLease(vnet, { ip: '10.0.0.2' });
  allocateLease(vnet, { vmId: 2, nicId: 0 });

  t.equal(releaseLeases(vnet, 2), 1);
  t.equal(vnet.usedLeases, 1);
  t.equal(leasesXml(vnet.addressRanges[0]), '<LEASES><LEASE><IP>10.0.0.2</IP><MAC>02:00:0a:00:00:02</MAC><VM>-1</VM></LEASE></LEASES>');
});
