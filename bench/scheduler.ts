import os from 'node:os';
import { HostState } from '../core/pools/records/host-record.js';
import {
  ExpressionCache,
  schedule,
  type CapacityReservation,
  type PendingVm,
  type ScheduleInput,
  type SchedulerDatastore,
  type SchedulerHost,
  type SchedulerSettings,
} from '../core/scheduler/index.js';

/**
 * Time of one scheduling cycle over many pending VMs and hosts, with a mix of
 * requirements (static, wildcard, CURRENT_VMS, pinning, impossible) and ranks. The input
 * is built from a fixed seed, so runs are comparable. Usage, after `npm run build`:
 *   node dist/bench/scheduler.js [--vms 10000] [--hosts 2500] [--cycles 5] [--seed 1]
 */

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const VMS = option('vms', 10_000);
const HOSTS = option('hosts', 2_500);
const CYCLES = option('cycles', 5);
const SEED = option('seed', 1);
const CLUSTERS = 10;
const LOCAL_DATASTORE_CLUSTER = CLUSTERS - 1;
const GIB_IN_KIB = 1024 * 1024;

/** Mulberry32: a small seeded generator, so every run builds the same input. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(SEED);
const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
const integer = (low: number, high: number) => low + Math.floor(next() * (high - low + 1));

function hostState(): HostState {
  const draw = next();
  if (draw < 0.02) return HostState.DISABLED;
  if (draw < 0.03) return HostState.ERROR;
  if (draw < 0.04) return HostState.OFFLINE;
  if (draw < 0.06) return HostState.INIT;
  return HostState.MONITORED;
}

function buildHost(id: number): SchedulerHost {
  const cores = pick([16, 32, 48, 64]);
  const memoryGb = pick([64, 128, 256, 512]);
  const used = next() * 0.7;
  const clusterId = id % CLUSTERS;
  const runningVms = integer(0, 30);

  return {
    id,
    name: `node${id}`,
    state: hostState(),
    clusterId,
    cluster: `cluster${clusterId}`,
    maxCpu: cores * 100,
    cpuUsage: Math.round(cores * 100 * used),
    maxMem: memoryGb * GIB_IN_KIB,
    memUsage: Math.round(memoryGb * GIB_IN_KIB * used),
    runningVms,
    vmIds: Array.from({ length: runningVms }, () => 100_000 + integer(0, 50_000)),
    template: [
      { name: 'HOSTNAME', value: `node${id}.example.org` },
      { name: 'HYPERVISOR', value: next() < 0.8 ? 'kvm' : 'lxc' },
      { name: 'ARCH', value: next() < 0.9 ? 'x86_64' : 'aarch64' },
      { name: 'CPUSPEED', value: String(integer(2000, 3500)) },
      { name: 'PRIORITY', value: String(integer(0, 100)) },
    ],
    monitoring: {
      freeCpu: Math.round(cores * 100 * (1 - used * next())),
      usedCpu: Math.round(cores * 100 * used),
      freeMemory: Math.round(memoryGb * GIB_IN_KIB * (1 - used)),
      usedMemory: Math.round(memoryGb * GIB_IN_KIB * used),
    },
    localDatastores: clusterId === LOCAL_DATASTORE_CLUSTER ? [{ id: 100 + LOCAL_DATASTORE_CLUSTER, freeMb: integer(50, 2000) * 1024 }] : [],
  };
}

function buildDatastores(): SchedulerDatastore[] {
  return Array.from({ length: CLUSTERS }, (_, clusterId) => ({
    id: 100 + clusterId,
    name: `system${clusterId}`,
    clusterIds: [clusterId],
    shared: clusterId !== LOCAL_DATASTORE_CLUSTER,
    freeMb: 50 * 1024 * 1024,
  }));
}

/** SCHED_REQUIREMENTS by share of VMs; the `CURRENT_VMS` and `ID` ones give hundreds of distinct strings. */
function requirements(): string | undefined {
  const draw = next();
  if (draw < 0.4) return undefined;
  if (draw < 0.6) return 'HYPERVISOR = kvm';
  if (draw < 0.7) return `CLUSTER_ID = ${integer(0, CLUSTERS - 1)}`;
  if (draw < 0.78) return 'HOSTNAME = "node1*"';
  if (draw < 0.85) return 'FREE_CPU > 800 & HYPERVISOR != lxc';
  if (draw < 0.9) return `CURRENT_VMS != ${100_000 + integer(0, 200)}`;
  if (draw < 0.95) return `ID = ${integer(0, HOSTS - 1)}`;
  if (draw < 0.98) return '(ARCH = aarch64 | ARCH = x86_64) & CPUSPEED >= 3000';
  return 'HYPERVISOR = xen';
}

function rank(): string | undefined {
  const draw = next();
  if (draw < 0.7) return undefined;
  if (draw < 0.85) return 'FREE_CPU';
  if (draw < 0.95) return '- RUNNING_VMS * 10 + FREE_MEMORY / 1048576';
  return 'PRIORITY';
}

function buildVm(id: number): PendingVm {
  const vm: PendingVm = {
    id,
    cpu: pick([0.5, 1, 2, 4]),
    memoryMb: next() < 0.01 ? 2 * 1024 * 1024 : pick([512, 1024, 2048, 4096, 8192, 16384]),
    systemDiskMb: pick([0, 1024, 10_240, 20_480]),
    requirements: requirements(),
    rank: rank(),
    priority: next() < 0.1 ? 10 : 0,
  };

  if (next() < 0.01) {
    const hostId = integer(0, HOSTS - 1);
    vm.resched = { hostId, datastoreId: 100 + (hostId % CLUSTERS) };
  }
  return vm;
}

function buildReservations(): CapacityReservation[] {
  return Array.from({ length: 500 }, (_, index) => ({
    vmId: 200_000 + index,
    hostId: integer(0, HOSTS - 1),
    cpu: 1,
    memoryMb: 2048,
    datastoreId: 100 + integer(0, CLUSTERS - 2),
    systemDiskMb: 1024,
  }));
}

const input: Omit<ScheduleInput, 'settings'> = {
  hosts: Array.from({ length: HOSTS }, (_, id) => buildHost(id)),
  datastores: buildDatastores(),
  vms: Array.from({ length: VMS }, (_, index) => buildVm(index)),
  reservations: buildReservations(),
};

const CONFIGURATIONS: Array<{ label: string; settings: Partial<SchedulerSettings> }> = [
  { label: 'defaults (striping, MAX_DISPATCH 30, MAX_HOST 1)', settings: {} },
  { label: 'MAX_DISPATCH 0, MAX_HOST 1', settings: { maxDispatch: 0, maxHost: 1 } },
  { label: 'MAX_DISPATCH 0, MAX_HOST 0', settings: { maxDispatch: 0, maxHost: 0 } },
  { label: 'packing, MAX_DISPATCH 0, MAX_HOST 0', settings: { policy: 'packing', maxDispatch: 0, maxHost: 0 } },
];

function timeCycle(settings: Partial<SchedulerSettings>, expressions: ExpressionCache) {
  const started = performance.now();
  const result = schedule({ ...input, settings }, expressions);
  return { milliseconds: performance.now() - started, result };
}

function summarize(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const mean = times.reduce((sum, time) => sum + time, 0) / times.length;
  return `mean ${mean.toFixed(0)} ms, min ${sorted[0].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms`;
}

const cpus = os.cpus();
console.log(`Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`);
console.log(`Input: ${VMS} pending VMs, ${HOSTS} hosts in ${CLUSTERS} clusters, ${input.reservations!.length} reservations, seed ${SEED}`);

for (const { label, settings } of CONFIGURATIONS) {
  timeCycle(settings, new ExpressionCache());

  const cold: number[] = [];
  const warm: number[] = [];
  const cache = new ExpressionCache();
  let last = timeCycle(settings, cache).result;

  for (let cycle = 0; cycle < CYCLES; cycle++) {
    cold.push(timeCycle(settings, new ExpressionCache()).milliseconds);
    const timed = timeCycle(settings, cache);
    warm.push(timed.milliseconds);
    last = timed.result;
  }

  const reasons = new Map<string, number>();
  for (const pending of last.pending) reasons.set(pending.reason, (reasons.get(pending.reason) ?? 0) + 1);

  console.log(`\n${label}`);
  console.log(`  per cycle, new expression cache:   ${summarize(cold)}`);
  console.log(`  per cycle, reused expression cache: ${summarize(warm)}`);
  console.log(`  placed ${last.placements.length}; pending by reason: ${[...reasons].map(([reason, count]) => `${reason} ${count}`).join(', ')}`);
}
