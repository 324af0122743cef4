import t from 'tap';

import { compileWildcard } from '../../../core/scheduler/expression/wildcard.js';

/** Cases: pattern, value and expected result, from the rules of fnmatch(3) with no flags. */
const CASES: Array<[string, string, boolean]> = [
  ['kvm', 'kvm', true],
  ['kvm', 'KVM', false],
  ['kvm', 'kvm2', false],
  ['*', '', true],
  ['*', 'anything', true],
  ['node*', 'node', true],
  ['node*', 'node12', true],
  ['node*', 'xnode', false],
  ['*.org', 'a.example.org', true],
  ['*/*', 'a/b', true],
  ['*', '.hidden', true],
  ['node?', 'node1', true],
  ['node?', 'node', false],
  ['node?', 'node12', false],
  ['node[12]', 'node1', true],
  ['node[12]', 'node3', false],
  ['node[1-3]', 'node2', true],
  ['node[1-3]', 'node4', false],
  ['node[!1-3]', 'node4', true],
  ['node[!1-3]', 'node2', false],
  ['node[^1-3]', 'node2', false],
  ['[]a]', ']', true],
  ['[]a]', 'a', true],
  ['[a-]', '-', true],
  ['[z-a]', 'm', false],
  ['[[:digit:]]x', '7x', true],
  ['[[:digit:]]x', 'ax', false],
  ['[[:alpha:][:digit:]]', 'Q', true],
  ['[[:upper:]]', 'q', false],
  ['node[', 'node[', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'axb', false],
  ['a\\?', 'a?', true],
  ['[\\]]', ']', true],
  ['a.b', 'a.b', true],
  ['a.b', 'axb', false],
  ['(x)+', '(x)+', true],
  ['$^|{}', '$^|{}', true],
  ['x-y', 'x-y', true],
  ['?', 'é', true],
  ['trailing\\', 'trailing\\', true],
];

t.test('wildcards follow fnmatch', async (t) => {
  for (const [pattern, value, expected] of CASES) {
    t.equal(compileWildcard(pattern).test(value), expected, `${pattern} against ${value}`);
  }
});
