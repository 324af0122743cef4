import { InvalidArgumentError } from 'commander';
import t from 'tap';
import { formatOctalMode, formatRights, parseOctalMode } from '../../cli/permissions.js';

t.test('octal modes convert to nine chmod values', async (t) => {
  const cases: Array<[string, number[]]> = [
    ['640', [1, 1, 0, 1, 0, 0, 0, 0, 0]],
    ['777', [1, 1, 1, 1, 1, 1, 1, 1, 1]],
    ['000', [0, 0, 0, 0, 0, 0, 0, 0, 0]],
    ['600', [1, 1, 0, 0, 0, 0, 0, 0, 0]],
    ['421', [1, 0, 0, 0, 1, 0, 0, 0, 1]],
    ['154', [0, 0, 1, 1, 0, 1, 1, 0, 0]],
  ];

  for (const [mode, values] of cases) {
    t.same(parseOctalMode(mode), values, mode);
  }
});

t.test('invalid octal modes are rejected', async (t) => {
  for (const mode of ['64', '6400', '680', 'rw-', '', '-640']) {
    t.throws(() => parseOctalMode(mode), InvalidArgumentError, mode);
  }
});

t.test('permissions render as letters and octal', async (t) => {
  const permissions = {
    OWNER_U: '1',
    OWNER_M: '1',
    OWNER_A: '0',
    GROUP_U: '1',
    GROUP_M: '0',
    GROUP_A: '0',
    OTHER_U: '0',
    OTHER_M: '0',
    OTHER_A: '1',
  };

  t.equal(formatRights(permissions, 'OWNER'), 'um-');
  t.equal(formatRights(permissions, 'GROUP'), 'u--');
  t.equal(formatRights(permissions, 'OTHER'), '--a');
  t.equal(formatOctalMode(permissions), '641');
});
