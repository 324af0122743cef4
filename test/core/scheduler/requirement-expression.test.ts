import t from 'tap';

import { HostAttributes } from '../../../core/scheduler/host-attributes.js';
import { compileRequirement } from '../../../core/scheduler/index.js';
import { host } from './support/builders.js';

const node = host(7, {
  name: 'aquila03',
  clusterId: 100,
  cluster: 'grid',
  runningVms: 3,
  vmIds: [5, 9],
  cores: 8,
  memoryGb: 16,
  cpuUsage: 250,
  monitoring: { freeCpu: 620, usedCpu: 180, freeMemory: 8_000_000, usedMemory: 8_777_216 },
  template: [
    { name: 'HYPERVISOR', value: 'kvm' },
    { name: 'HOSTNAME', value: 'aquila03.example.org' },
    { name: 'CPUSPEED', value: '2.5GHz' },
    { name: 'ARCH', value: 'x86_64' },
    { name: 'NAME', value: 'template-name' },
    { name: 'EMPTY', value: '' },
    { name: 'GPU', value: 'tesla' },
    { name: 'GPU', value: 'a100' },
    { name: 'LABELS', value: '4' },
    { name: 'LABELS', value: '8.5' },
    { name: 'PCI', value: { entries: (): Array<[string, string]> => [['VENDOR', '10de'], ['CLASS', '0300']] } },
  ],
  clusterTemplate: [
    { name: 'ZONE', value: 'north' },
    { name: 'HYPERVISOR', value: 'cluster-value' },
  ],
});

const attributes = new HostAttributes(node, { cpuUsage: 250, memUsage: 0, runningVms: 3, vmIds: [5, 9] });

/** Cases: expression and expected result. */
const CASES: Array<[string, boolean]> = [
  // Numbers with each operator
  ['ID = 7', true],
  ['ID = 8', false],
  ['ID != 8', true],
  ['ID != 7', false],
  ['CLUSTER_ID > 99', true],
  ['CLUSTER_ID > 100', false],
  ['CLUSTER_ID < 101', true],
  ['CLUSTER_ID < 100', false],
  ['CLUSTER_ID >= 100', true],
  ['CLUSTER_ID >= 101', false],
  ['CLUSTER_ID <= 100', true],
  ['CLUSTER_ID <= 99', false],
  ['RUNNING_VMS = 3', true],
  ['FREE_CPU > 600', true],
  ['FREE_CPU = 620.0', true],
  ['MAX_CPU = 800', true],
  ['CPU_USAGE = 250', true],
  ['CLUSTER_ID > -5', true],
  ['CLUSTER_ID > - 5', true],
  // A value that starts with a number compares as that number.
  ['CPUSPEED > 2', true],
  ['CPUSPEED = 2.5', true],
  ['CPUSPEED < 2.4', false],
  // Contains, over repeated attributes
  ['LABELS @> 8.5', true],
  ['LABELS @> 4', true],
  ['LABELS @> 5', false],
  ['GPU @> a100', true],
  ['GPU @> "a*"', true],
  ['GPU @> v100', false],
  // `=` on a repeated attribute reads only the first value.
  ['GPU = tesla', true],
  ['GPU = a100', false],
  // Strings and wildcards
  ['HYPERVISOR = kvm', true],
  ['HYPERVISOR = "kvm"', true],
  ['HYPERVISOR = KVM', false],
  ['HYPERVISOR != kvm', false],
  ['HYPERVISOR != lxc', true],
  ['HOSTNAME = "aquila*"', true],
  ['HOSTNAME = "aquila0?.example.org"', true],
  ['HOSTNAME = "aquila0[0-2]*"', false],
  ['HOSTNAME = "aquila0[!0-2]*"', true],
  ['HOSTNAME = "*.org"', true],
  ['HOSTNAME = "aquila"', false],
  ['HOSTNAME != "node*"', true],
  // Strings against numbers and numbers against strings
  ['ID = "7"', true],
  ['ID = "1*"', false],
  ['CLUSTER_ID = "1*"', true],
  ['HYPERVISOR = 5', false],
  ['HYPERVISOR != 5', false],
  // An empty pattern never matches, and an empty value only matches "*".
  ['HYPERVISOR = ""', false],
  ['HYPERVISOR != ""', false],
  ['EMPTY = "*"', true],
  ['EMPTY = x', false],
  // Unknown attributes fail every comparison, != included.
  ['MISSING = 1', false],
  ['MISSING != 1', false],
  ['MISSING > 1', false],
  ['MISSING < 1', false],
  ['MISSING @> 1', false],
  ['MISSING = x', false],
  ['MISSING != x', false],
  ['!(MISSING = 1)', true],
  ['hypervisor = kvm', false],
  // Boolean operators and OpenNebula's equal precedence of & and |
  ['ID = 7 & HYPERVISOR = kvm', true],
  ['ID = 7 & HYPERVISOR = lxc', false],
  ['ID = 8 | HYPERVISOR = kvm', true],
  ['ID = 8 | HYPERVISOR = lxc', false],
  ['!ID = 8', true],
  ['!ID = 7', false],
  ['!!ID = 7', true],
  ['ID = 7 | ID = 8 & ID = 9', false],
  ['ID = 7 | (ID = 8 & ID = 9)', true],
  ['ID = 9 & ID = 8 | ID = 7', true],
  ['!ID = 7 | ID = 7', true],
  ['!(ID = 7 | ID = 7)', false],
  ['((ID = 7))', true],
  // Search order: the host's own fields, then HOST_SHARE, TEMPLATE, MONITORING, cluster template
  ['NAME = aquila03', true],
  ['NAME = "template-name"', false],
  ['ZONE = north', true],
  ['HYPERVISOR @> "cluster-value"', true],
  // Paths
  ['"PCI/VENDOR" = "10de"', true],
  ['PCI = "10de0300"', true],
  ['"TEMPLATE/ARCH" = x86_64', true],
  ['"HOST_SHARE/MAX_CPU" = 800', true],
  ['"/HOST/VMS/ID" @> 9', true],
  ['"HOST/VMS/ID" @> 5', true],
  ['"HOST/VMS/ID" @> 6', false],
  ['"MONITORING/CAPACITY/FREE_CPU" = 620', true],
  ['"CLUSTER_TEMPLATE/ZONE" = north', true],
  // CURRENT_VMS
  ['CURRENT_VMS = 5', true],
  ['CURRENT_VMS = 6', false],
  ['CURRENT_VMS != 6', true],
  ['CURRENT_VMS != 5', false],
  ['(CURRENT_VMS != 5) & (CURRENT_VMS != 7)', false],
  ['(CURRENT_VMS != 6) & (CURRENT_VMS != 7)', true],
  ['CURRENT_VMS @> 9', true],
  ['CURRENT_VMS > 1', false],
  ['CURRENT_VMS = "9"', true],
  ['CURRENT_VMS != "5"', false],
  // Blank expressions match every host.
  ['', true],
  ['   ', true],
  // Line breaks are blanks.
  ['ID = 7 &\nHYPERVISOR = kvm', true],
];

t.test('requirement expressions evaluate as OpenNebula does', async (t) => {
  for (const [expression, expected] of CASES) {
    t.equal(compileRequirement(expression).matches(attributes), expected, expression);
  }
});

t.test('requirement lists variables and CURRENT_VMS use', async (t) => {
  const compiled = compileRequirement('HYPERVISOR = kvm & (FREE_CPU > 100 | HYPERVISOR = lxc) & CURRENT_VMS != 3');

  t.same(compiled.variables, ['HYPERVISOR', 'FREE_CPU']);
  t.equal(compiled.usesCurrentVms, true);
  t.equal(compileRequirement('ID = 1').usesCurrentVms, false);
  t.equal(compiled.source, 'HYPERVISOR = kvm & (FREE_CPU > 100 | HYPERVISOR = lxc) & CURRENT_VMS != 3');
});

t.test('CURRENT_VMS sees VMs added during the cycle', async (t) => {
  const live = new HostAttributes(host(1), { cpuUsage: 0, memUsage: 0, runningVms: 0, vmIds: [] });
  const together = compileRequirement('CURRENT_VMS = 42');

  t.equal(together.matches(live), false);
  live.addVm(42);
  t.equal(together.matches(live), true);
  t.equal(live.values('"HOST/VMS/ID"').length, 0, 'the VMS/ID path keeps the start-of-cycle list');
});

/** Cases: expression and required equalities. */
const REQUIRED: Array<[string, Array<{ variable: string; value: number | string }>]> = [
  ['ID = 5', [{ variable: 'ID', value: 5 }]],
  ['HYPERVISOR = kvm & ID = 5', [{ variable: 'HYPERVISOR', value: 'kvm' }, { variable: 'ID', value: 5 }]],
  ['ID = 5 | ID = 6', []],
  ['ID = 5 & ID = 6 | ID = 7', []],
  ['ID = 5 | ID = 6 & HYPERVISOR = kvm', [{ variable: 'HYPERVISOR', value: 'kvm' }]],
  ['(ID = 5 & CLUSTER_ID = 0) & FREE_CPU > 10', [{ variable: 'ID', value: 5 }, { variable: 'CLUSTER_ID', value: 0 }]],
  ['!(ID = 5)', []],
  ['ID != 5', []],
  ['ID >= 5', []],
  ['GPU @> a100', []],
  ['NAME = "node*"', []],
  ['NAME = "node[12]"', []],
  ['NAME = "a\\\\b"', []],
  ['NAME = ""', []],
  ['CURRENT_VMS = 5', []],
  ['', []],
];

t.test('requirement reports required equalities', async (t) => {
  for (const [expression, expected] of REQUIRED) {
    t.same(compileRequirement(expression).requiredEqualities, expected, expression);
  }
});
