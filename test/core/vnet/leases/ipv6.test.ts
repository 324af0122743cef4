import t from 'tap';

import { addressFromPrefix, formatIpv6, interfaceIdFromMac, LINK_LOCAL_PREFIX, parseIpv6 } from '../../../../core/vnet/leases/ipv6.js';
import { parseMac } from '../../../../core/vnet/leases/mac-address.js';

t.test('parseIpv6 and formatIpv6', async (t) => {
  const cases: Array<[string, string]> = [
    ['::', '::'],
    ['::1', '::1'],
    ['2001:db8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['fd00:0:0:1:0:0:0:1', 'fd00:0:0:1::1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
    ['FE80::AFF:FE00:1', 'fe80::aff:fe00:1'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
  ];
  for (const [input, expected] of cases) {
    const value = parseIpv6(input);
    t.not(value, undefined, `${input} parses`);
    t.equal(formatIpv6(value!), expected, `${input} formats as ${expected}`);
  }

  for (const invalid of ['', '1::2::3', '10.0.0.1', 'fe80::1%eth0', '12345::1', 'g::1']) {
    t.equal(parseIpv6(invalid), undefined, `"${invalid}" is rejected`);
  }
});

t.test('interfaceIdFromMac', async (t) => {
  t.equal(interfaceIdFromMac(parseMac('02:00:0a:00:00:01')!), 0x00000afffe000001n, 'flips the universal/local bit');
  t.equal(interfaceIdFromMac(parseMac('00:1b:21:3a:4b:5c')!), 0x021b21fffe3a4b5cn);
});

t.test('addressFromPrefix', async (t) => {
  const mac = parseMac('02:00:0a:00:00:01')!;
  t.equal(formatIpv6(addressFromPrefix(LINK_LOCAL_PREFIX, mac)), 'fe80::aff:fe00:1');
  t.equal(formatIpv6(addressFromPrefix(parseIpv6('fd12:3456:789a:1::')!, mac)), 'fd12:3456:789a:1:0:aff:fe00:1');
  t.equal(formatIpv6(addressFromPrefix(parseIpv6('2001:db8::ffff')!, mac)), '2001:db8::aff:fe00:1', 'the low 64 bits of the prefix are dropped');
});
