import t from 'tap';

import { allocateLease, holdLease, leasesXml, networkUsedLeases, rangeUsedLeases } from '../../../../core/vnet/leases/index.js';
import { makeNetwork } from './fixtures/network.js';

t.test('leasesXml of a range without leases', async (t) => {
  const vnet = makeNetwork({ ranges: [{ TYPE: 'IP4', IP: '10.0.0.1', SIZE: '4' }] });

  t.equal(leasesXml(vnet.addressRanges[0]), '<LEASES/>');
  t.equal(rangeUsedLeases(vnet.addressRanges[0]), 0);
});

t.test('leasesXml lists leases in address order', async (t) => {
  const vnet = makeNetwork({ ranges: [{ TYPE: 'IP4', IP: '10.0.0.1', SIZE: '4' }] });
  allocateLease(vnet, { vmId: 8, nicId: 0, ip: '10.0.0.3' });
  allocateLease(vnet, { vmId: 5, nicId: 0 });
  holdLease(vnet, { ip: '10.0.0.2' });

  t.equal(
    leasesXml(vnet.addressRanges[0]),
    '<LEASES>' +
      '<LEASE><IP>10.0.0.1</IP><MAC>02:00:0a:00:00:01</MAC><VM>5</VM></LEASE>' +
      '<LEASE><IP>10.0.0.2</IP><MAC>02:00:0a:00:00:02</MAC><VM>-1</VM></LEASE>' +
      '<LEASE><IP>10.0.0.3</IP><MAC>02:00:0a:00:00:03</MAC><VM>8</VM></LEASE>' +
      '</LEASES>',
  );
  t.equal(rangeUsedLeases(vnet.addressRanges[0]), 3);
});

t.test('leasesXml of ETHER and IPv6 ranges', async (t) => {
  const vnet = makeNetwork({
    ranges: [
      { TYPE: 'ETHER', SIZE: '2', MAC: '02:00:12:34:56:78' },
      { TYPE: 'IP6', SIZE: '2', MAC: '02:00:0a:00:00:01', ULA_PREFIX: 'fd00::' },
    ],
  });
  allocateLease(vnet, { vmId: 1, nicId: 0, arId: 0 });
  allocateLease(vnet, { vmId: 1, nicId: 1, arId: 1 });

  t.equal(leasesXml(vnet.addressRanges[0]), '<LEASES><LEASE><MAC>02:00:12:34:56:78</MAC><VM>1</VM></LEASE></LEASES>');
  t.equal(
    leasesXml(vnet.addressRanges[1]),
    '<LEASES><LEASE><IP6_LINK>fe80::aff:fe00:1</IP6_LINK><IP6_ULA>fd00::aff:fe00:1</IP6_ULA><MAC>02:00:0a:00:00:01</MAC><VM>1</VM></LEASE></LEASES>',
  );
});

t.test('used leases per range and network', async (t) => {
  const vnet = makeNetwork({
    ranges: [
      { TYPE: 'IP4', IP: '10.0.0.1', SIZE: '2' },
      { TYPE: 'IP4', IP: '10.0.1.1', SIZE: '4' },
    ],
  });
  for (const vmId of [1, 2, 3]) allocateLease(vnet, { vmId, nicId: 0 });
  holdLease(vnet, { ip: '10.0.1.4' });

  t.equal(rangeUsedLeases(vnet.addressRanges[0]), 2);
  t.equal(rangeUsedLeases(vnet.addressRanges[1]), 2);
  t.equal(networkUsedLeases(vnet), 4);
  t.equal(vnet.usedLeases, 4, 'the stored count matches the ranges');
});
