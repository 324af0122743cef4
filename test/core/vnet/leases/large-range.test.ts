import t from 'tap';

import { allocateLease, LeaseError, networkUsedLeases, releaseLease } from '../../../../core/vnet/leases/index.js';
import { makeNetwork, storedCopy } from './fixtures/network.js';

const RANGE_SIZE = 65536;

/** Returns the address at `offset` of 10.1.0.0/16. */
function expectedIp(offset: number): string {
  return `10.1.${offset >>> 8}.${offset & 0xff}`;
}

t.test('large range hands out every address once', async (t) => {
  const vnet = makeNetwork({ ranges: [{ TYPE: 'IP4', IP: '10.1.0.0', SIZE: String(RANGE_SIZE) }] });
  const seenMacs = new Set<string>();
  let outOfOrder = 0;

  for (let vmId = 0; vmId < RANGE_SIZE; vmId += 1) {
    const { lease } = allocateLease(vnet, { vmId, nicId: 0 });
    if (lease.offset !== vmId || lease.ip !== expectedIp(vmId)) outOfOrder += 1;
    seenMacs.add(lease.mac);
  }

  t.equal(outOfOrder, 0, 'leases come in address order');
  t.equal(seenMacs.size, RANGE_SIZE, 'every MAC is distinct');
  t.ok(seenMacs.has('02:00:0a:01:ff:ff'), 'the last MAC is derived from 10.1.255.255');
  t.equal(vnet.usedLeases, RANGE_SIZE);
  t.equal(networkUsedLeases(vnet), RANGE_SIZE);
  t.throws(() => allocateLease(vnet, { vmId: RANGE_SIZE, nicId: 0 }), LeaseError, 'the full range has no free address');
});

t.test('large range reuses freed addresses in order', async (t) => {
  const vnet = makeNetwork({ ranges: [{ TYPE: 'IP4', IP: '10.1.0.0', SIZE: String(RANGE_SIZE) }] });
  const macs: string[] = [];
  for (let vmId = 0; vmId < RANGE_SIZE; vmId += 1) macs.push(allocateLease(vnet, { vmId, nicId: 0 }).lease.mac);

  const freed = [60000, 12345, 300, 40000];
  for (const offset of freed) t.ok(releaseLease(vnet, offset, { arId: 0, mac: macs[offset] }), `offset ${offset} is freed`);

  const stored = storedCopy(vnet);
  const reused = freed.map((_, index) => allocateLease(stored, { vmId: 100000 + index, nicId: 0 }).lease.offset);

  t.same(reused, [300, 12345, 40000, 60000], 'freed addresses come back lowest first, after a storage round trip');
  t.equal(stored.usedLeases, RANGE_SIZE);
  t.throws(() => allocateLease(stored, { vmId: 0, nicId: 0 }), LeaseError);
});

t.test('large range with a taken first half', async (t) => {
  const vnet = makeNetwork({
    ranges: [
      { TYPE: 'IP4', IP: '10.1.0.0', SIZE: String(RANGE_SIZE) },
      { TYPE: 'IP4', IP: '10.2.0.0', SIZE: '256' },
    ],
  });
  for (let offset = 0; offset < RANGE_SIZE; offset += 1) allocateLease(vnet, { vmId: 1, nicId: 0, ip: expectedIp(offset) });

  const stored = storedCopy(vnet);
  const next = allocateLease(stored, { vmId: 2, nicId: 0 }).lease;

  t.equal(next.ip, '10.2.0.0', 'a full first range passes the request on to the next range');
  t.equal(next.arId, 1);
});
