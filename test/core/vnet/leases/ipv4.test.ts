import t from 'tap';

import { formatIpv4, parseIpv4 } from '../../../../core/vnet/leases/ipv4.js';

t.test('parseIpv4', async (t) => {
  t.equal(parseIpv4('10.0.0.1'), 0x0a000001);
  t.equal(parseIpv4('255.255.255.255'), 0xffffffff);
  t.equal(parseIpv4('0.0.0.0'), 0);
  t.equal(parseIpv4(' 192.168.1.10 '), 0xc0a8010a, 'surrounding blanks are ignored');
  t.equal(parseIpv4('10.0.0.010'), 0x0a00000a, 'leading zeros read as decimal');

  for (const invalid of ['', '10.0.0', '10.0.0.256', '10.0.0.1.2', '10.0.0.-1', 'a.b.c.d', '10.0.0.1/24', '::1']) {
    t.equal(parseIpv4(invalid), undefined, `"${invalid}" is rejected`);
  }
});

t.test('formatIpv4', async (t) => {
  t.equal(formatIpv4(0x0a000001), '10.0.0.1');
  t.equal(formatIpv4(0xffffffff), '255.255.255.255');
  t.equal(formatIpv4(0), '0.0.0.0');
});
