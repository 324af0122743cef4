import t from 'tap';

import { HostAttributes } from '../../../core/scheduler/host-attributes.js';
import { compileRank } from '../../../core/scheduler/index.js';
import { host } from './support/builders.js';

const attributes = new HostAttributes(
  host(3, {
    cores: 4,
    runningVms: 2,
    monitoring: { freeCpu: 300, usedCpu: 100, freeMemory: 2048, usedMemory: 1024 },
    attributes: { TEMPERATURE: '40', LABEL: 'fast', SPEED: '2.5GHz' },
  }),
  { cpuUsage: 0, memUsage: 0, runningVms: 2, vmIds: [] },
);

/** Cases: expression and expected rank. */
const CASES: Array<[string, number]> = [
  ['FREE_CPU', 300],
  ['- RUNNING_VMS', -2],
  ['-RUNNING_VMS', -2],
  ['RUNNING_VMS', 2],
  ['FREE_CPU * 100 - TEMPERATURE', 29_960],
  ['1 + 2 * 3', 7],
  ['(1 + 2) * 3', 9],
  ['10 - 4 - 3', 3],
  ['24 / 4 / 2', 3],
  ['7 / 2', 3.5],
  ['- 2 * 3', -6],
  ['- (2 + 3)', -5],
  ['--4', 4],
  ['FREE_CPU-1', 299],
  ['2.5 * 2', 5],
  ['FREE_MEMORY / 1024', 2],
  ['"MONITORING/CAPACITY/FREE_CPU" + 1', 301],
  // Missing and non-numeric attributes count as 0.
  ['MISSING', 0],
  ['MISSING * 5 + 1', 1],
  ['LABEL', 0],
  ['SPEED * 2', 5],
  ['', 0],
  ['  ', 0],
  ['1 / 0', Infinity],
];

t.test('rank expressions evaluate arithmetic over attributes', async (t) => {
  for (const [expression, expected] of CASES) {
    t.equal(compileRank(expression).evaluate(attributes), expected, expression);
  }
});

t.test('rank lists the variables it reads', async (t) => {
  t.same(compileRank('FREE_CPU * 2 - RUNNING_VMS + FREE_CPU').variables, ['FREE_CPU', 'RUNNING_VMS']);
  t.same(compileRank('42').variables, []);
});

t.test('rank of 0 / 0 is NaN', async (t) => {
  t.ok(Number.isNaN(compileRank('MISSING / MISSING').evaluate(attributes)));
});
