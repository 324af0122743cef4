import t from 'tap';

import { formatMac, macAtOffset, macFromIpv4, macOffset, parseMac } from '../../../../core/vnet/leases/mac-address.js';
import { parseIpv4 } from '../../../../core/vnet/leases/ipv4.js';

t.test('MAC derived from IPv4', async (t) => {
  const cases: Array<[string, string]> = [
    ['10.0.0.1', '02:00:0a:00:00:01'],
    ['192.168.1.254', '02:00:c0:a8:01:fe'],
    ['172.16.255.0', '02:00:ac:10:ff:00'],
    ['0.0.0.0', '02:00:00:00:00:00'],
    ['255.255.255.255', '02:00:ff:ff:ff:ff'],
  ];
  for (const [ip, mac] of cases) {
    t.equal(formatMac(macFromIpv4(parseIpv4(ip)!)), mac, `${ip} gives ${mac}`);
  }
});

t.test('parseMac and formatMac', async (t) => {
  t.same(parseMac('02:00:0a:00:00:01'), { prefix: 0x0200, low: 0x0a000001 });
  t.same(parseMac('AA:BB:CC:DD:EE:FF'), { prefix: 0xaabb, low: 0xccddeeff }, 'upper case is accepted');
  t.equal(formatMac(parseMac('AA:BB:CC:DD:EE:FF')!), 'aa:bb:cc:dd:ee:ff', 'formatted in lower case');

  for (const invalid of ['', '02:00:0a:00:00', '02-00-0a-00-00-01', '02:00:0a:00:00:0g', '2:0:a:0:0:1']) {
    t.equal(parseMac(invalid), undefined, `"${invalid}" is rejected`);
  }
});

t.test('macAtOffset', async (t) => {
  const first = parseMac('02:00:0a:00:00:fe')!;
  t.equal(formatMac(macAtOffset(first, 0)), '02:00:0a:00:00:fe');
  t.equal(formatMac(macAtOffset(first, 2)), '02:00:0a:00:01:00', 'carries into the next byte');

  const last = parseMac('02:00:ff:ff:ff:ff')!;
  t.equal(formatMac(macAtOffset(last, 1)), '02:00:00:00:00:00', 'the low four bytes wrap and the prefix stays');
});

t.test('macOffset', async (t) => {
  const first = parseMac('02:00:0a:00:00:fe')!;
  t.equal(macOffset(first, parseMac('02:00:0a:00:01:01')!), 3);
  t.equal(macOffset(first, parseMac('02:00:0a:00:00:fe')!), 0);
  t.equal(macOffset(first, parseMac('02:01:0a:00:00:fe')!), undefined, 'another prefix is outside');
  t.equal(macOffset(parseMac('02:00:ff:ff:ff:ff')!, parseMac('02:00:00:00:00:01')!), 2, 'counts across the wrap');
});
