import t from 'tap';

import { ADMIN_BASE_PERMISSIONS, DEFAULT_UMASK, Permissions } from '../../../core/acl/index.js';

t.test('octal digits map to bits', async (t) => {
  const permissions = Permissions.fromOctal('640');
  t.same(permissions.toBitsObject(), {
    ownerU: true,
    ownerM: true,
    ownerA: false,
    groupU: true,
    groupM: false,
    groupA: false,
    otherU: false,
    otherM: false,
    otherA: false,
  });
  t.equal(Permissions.fromOctal('001').otherA, true);
  t.equal(Permissions.fromOctal('100').ownerA, true);
  t.equal(Permissions.fromOctal('020').groupM, true);
});

t.test('octal number is the mode value', async (t) => {
  t.equal(Permissions.fromOctal(0o640).toOctal(), '640');
  t.equal(Permissions.fromOctal('0640').toOctal(), '640');
});

t.test('every mode round-trips', async (t) => {
  let failures = 0;
  for (let mode = 0; mode <= 0o777; mode++) {
    const octal = mode.toString(8).padStart(3, '0');
    const fromOctal = Permissions.fromOctal(octal);
    const fromBits = Permissions.fromBits(mode);

    if (fromOctal.toOctal() !== octal || fromBits.toBits() !== mode || !fromOctal.equals(fromBits)) {
      failures++;
    }
    if (!new Permissions(fromBits.toBitsObject()).equals(fromBits)) {
      failures++;
    }
  }
  t.equal(failures, 0, 'round-trip failures over 512 modes');
});

t.test('bad octal rejected', async (t) => {
  for (const bad of ['648', '64', '6400', 'abc', '', ' 640', '-640']) {
    t.throws(
      () => Permissions.fromOctal(bad),
      { name: 'RangeError', message: `Invalid permissions '${bad}': expected three octal digits such as 640, where each digit adds u=4, m=2 and a=1 for owner, group and other.` },
      `'${bad}'`,
    );
  }
  for (const bad of [512, -1, 1.5, Number.NaN]) {
    t.throws(() => Permissions.fromOctal(bad), { name: 'RangeError', message: /^Invalid permission mode .*: use an integer from 0 to 0o777 \(511\)\.$/ }, String(bad));
  }
});

t.test('umask defaults to 600', async (t) => {
  t.equal(DEFAULT_UMASK, 0o177);
  t.equal(Permissions.fromUmask().toOctal(), '600');
  t.equal(Permissions.fromUmask(undefined, ADMIN_BASE_PERMISSIONS).toOctal(), '600');
});

t.test('umask masks base permissions', async (t) => {
  t.equal(Permissions.fromUmask(0o022).toOctal(), '644');
  t.equal(Permissions.fromUmask(0o022, ADMIN_BASE_PERMISSIONS).toOctal(), '755');
  t.equal(Permissions.fromUmask(0).toOctal(), '666');
  t.equal(Permissions.fromUmask(0o777).toOctal(), '000');
  t.equal(Permissions.fromUmask('177').toOctal(), '600');
  t.equal(Permissions.fromUmask('0007').toOctal(), '660');
  t.equal(Permissions.fromUmask('7').toOctal(), '660');
});

t.test('bad umask rejected', async (t) => {
  for (const bad of [-1, 0o1000, 1.5, '8', '', 'u=rw', '01000']) {
    t.throws(() => Permissions.fromUmask(bad), { name: 'RangeError', message: /^Invalid umask .*: use an integer from 0 to 0o777, such as 0o177\.$/ }, String(bad));
  }
});

t.test('chmod keeps, sets and clears', async (t) => {
  const start = Permissions.fromOctal('640');

  t.equal(start.applyChmod([-1, -1, -1, -1, -1, -1, -1, -1, -1]).toOctal(), '640');
  t.equal(start.applyChmod([-1, -1, 1, -1, 1, -1, 1, -1, -1]).toOctal(), '764');
  t.equal(start.applyChmod([0, 0, 0, 0, 0, 0, 0, 0, 0]).toOctal(), '000');
  t.equal(start.applyChmod([1, 1, 1, 1, 1, 1, 1, 1, 1]).toOctal(), '777');
  t.equal(start.applyChmod([-1, 0, -1, 0, -1, -1, -1, -1, 1]).toOctal(), '401');
  t.equal(start.toOctal(), '640', 'original unchanged');
});

t.test('bad chmod values rejected', async (t) => {
  const start = Permissions.fromOctal('640');
  const names = ['OWNER_U', 'OWNER_M', 'OWNER_A', 'GROUP_U', 'GROUP_M', 'GROUP_A', 'OTHER_U', 'OTHER_M', 'OTHER_A'];

  for (let position = 0; position < 9; position++) {
    const values = [-1, -1, -1, -1, -1, -1, -1, -1, -1];
    values[position] = 2;
    t.throws(
      () => start.applyChmod(values),
      {
        name: 'RangeError',
        message: `Invalid chmod value 2 for ${names[position]} (position ${position + 1} of 9): use -1 to keep the bit, 0 to clear it or 1 to set it.`,
      },
      names[position],
    );
  }

  for (const bad of [-2, 0.5, Number.NaN]) {
    t.throws(() => start.applyChmod([bad, 0, 0, 0, 0, 0, 0, 0, 0]), { message: new RegExp(`^Invalid chmod value ${bad} for OWNER_U`) }, String(bad));
  }
});

t.test('chmod needs nine values', async (t) => {
  const start = Permissions.fromOctal('640');
  t.throws(() => start.applyChmod([1, 1, 1]), { name: 'RangeError', message: 'Invalid chmod request: expected 9 values (OWNER_U to OTHER_A), got 3.' });
  t.throws(() => start.applyChmod(new Array(10).fill(-1)), { message: /got 10\./ });
});

t.test('permissions XML', async (t) => {
  t.equal(
    Permissions.fromOctal('640').toXml(),
    '<PERMISSIONS><OWNER_U>1</OWNER_U><OWNER_M>1</OWNER_M><OWNER_A>0</OWNER_A>' +
      '<GROUP_U>1</GROUP_U><GROUP_M>0</GROUP_M><GROUP_A>0</GROUP_A>' +
      '<OTHER_U>0</OTHER_U><OTHER_M>0</OTHER_M><OTHER_A>0</OTHER_A></PERMISSIONS>',
  );
});

t.test('CLI triples', async (t) => {
  t.equal(Permissions.fromOctal('640').toString(), 'um- u-- ---');
  t.equal(Permissions.fromOctal('777').toString(), 'uma uma uma');
});
