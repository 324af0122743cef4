import t from 'tap';

import { allocateLease, networkUsedLeases, releaseLease, releaseLeases } from '../../../../core/vnet/leases/index.js';
import { makeNetwork } from './fixtures/network.js';

const RANGE = { TYPE: 'IP4', IP: '10.0.0.1', SIZE: '8' };

t.test('releaseLeases frees a VM and reuses the lowest address', async (t) => {
  const vnet = makeNetwork({ ranges: [RANGE] });
  for (const vmId of [10, 11, 12, 11]) allocateLease(vnet, { vmId, nicId: 0 });

  const released = releaseLeases(vnet, 11);

  t.equal(released, 2, 'both leases of VM 11 are freed');
  t.equal(vnet.usedLeases, 2);
  t.equal(networkUsedLeases(vnet), 2);
  t.same(vnet.addressRanges[0].leases, { 0: { vmId: 10 }, 2: { vmId: 12 } });

  const reused = allocateLease(vnet, { vmId: 13, nicId: 0 }).lease;
  t.equal(reused.ip, '10.0.0.2', 'the lowest freed address is handed out first');
  const next = allocateLease(vnet, { vmId: 14, nicId: 0 }).lease;
  t.equal(next.ip, '10.0.0.4');
  const after = allocateLease(vnet, { vmId: 15, nicId: 0 }).lease;
  t.equal(after.ip, '10.0.0.5');
});

t.test('releaseLeases across ranges', async (t) => {
  const vnet = makeNetwork({ ranges: [{ TYPE: 'IP4', IP: '10.0.0.1', SIZE: '1' }, RANGE] });
  allocateLease(vnet, { vmId: 5, nicId: 0 });
  allocateLease(vnet, { vmId: 5, nicId: 1 });
  allocateLease(vnet, { vmId: 6, nicId: 0 });

  t.equal(releaseLeases(vnet, 5), 2);
  t.equal(releaseLeases(vnet, 5), 0, 'a second release finds nothing');
  t.equal(vnet.usedLeases, 1);
  t.equal(networkUsedLeases(vnet), 1);
});

t.test('releaseLease frees one NIC', async (t) => {
  const vnet = makeNetwork({ ranges: [RANGE] });
  const first = allocateLease(vnet, { vmId: 5, nicId: 0 }).lease;
  const second = allocateLease(vnet, { vmId: 5, nicId: 1 }).lease;

  t.equal(releaseLease(vnet, 5, { arId: second.arId, mac: second.mac.toUpperCase() }), true);
  t.equal(vnet.usedLeases, 1);
  t.same(vnet.addressRanges[0].leases, { 0: { vmId: 5 } });

  t.equal(releaseLease(vnet, 5, { arId: second.arId, mac: second.mac }), false, 'a repeated release changes nothing');
  t.equal(releaseLease(vnet, 6, { arId: first.arId, mac: first.mac }), false, 'another VM cannot free the lease');
  t.equal(releaseLease(vnet, 5, { arId: 9, mac: first.mac }), false, 'an unknown AR_ID frees nothing');
  t.equal(releaseLease(vnet, 5, { arId: 0, mac: 'not a mac' }), false, 'an invalid MAC frees nothing');
  t.equal(vnet.usedLeases, 1);

  const reused = allocateLease(vnet, { vmId: 7, nicId: 0 }).lease;
  t.equal(reused.ip, second.ip, 'the freed address is leased again');
});
