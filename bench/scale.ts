import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sqlite3 from 'sqlite3';
import Serializer from 'xmlrpc/lib/serializer.js';
import { SqliteConnection } from '../core/db/sqlite-connection.js';
import { SqliteDatabase } from '../core/db/sqlite-database.js';
import { HostState } from '../core/pools/records/host-record.js';
import { Store } from '../core/pools/store.js';
import { VmState } from '../core/vm/states.js';
import { post } from './lib/http-load.js';

/**
 * Scale of the scheduler loop. The bench starts stratusd as a child process with the
 * dummy VM driver and registers hosts and VMs through XML-RPC. It measures the time
 * until every VM is RUNNING, the scheduler's cycles (from the `scheduler.cycle` lines
 * of the daemon log), `one.vmpool.info` with every VM, and the daemon's peak resident
 * memory. A second phase restarts the daemon with a backlog of pending VMs, so that one cycle
 * gets them all at once. Usage, after `npm run build`:
 *   node dist/bench/scale.js [--hosts 2500] [--vms 20000] [--backlog 10000] [--clients 8] [--profile DIR]
 * `--profile DIR` writes a V8 CPU profile of each daemon run into DIR (node --cpu-prof).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const HOSTS = option('hosts', 2_500);
const VMS = option('vms', 20_000);
const BACKLOG = option('backlog', 10_000);
const CLIENTS = option('clients', 8);
const PROFILE_DIR = process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1] : undefined;
const POOL_CALLS = 10;
/** Maximum wait for the monitor to report on every host. */
const MONITOR_DEADLINE_MS = 120_000;
/** Time without a VM reaching RUNNING after which the remaining VMs count as stuck. */
const STALL_MS = 60_000;

const VM_TEMPLATE = (name: string) => `NAME = "${name}"\nCPU = "0.5"\nMEMORY = "512"`;
const SCHEDULING_CONFIG = 'SCHEDULER = [ INTERVAL_MS = "500", MAX_DISPATCH = "0", MAX_HOST = "0" ]\nDB = [ SYNCHRONOUS = "NORMAL" ]\n';
/** A daemon with this configuration runs no timed cycle while the bench allocates the backlog on HOLD. */
const IDLE_SCHEDULER_CONFIG = 'SCHEDULER = [ INTERVAL_MS = "2147483647" ]\nDB = [ SYNCHRONOUS = "NORMAL" ]\n';

/** The capacity that the dummy driver's MONITOR_HOST reports: 8 cores and 16 GiB. */
const DUMMY_CPU = 800;
const DUMMY_MEMORY_KIB = 16 * 1024 * 1024;

interface RunningDaemon {
  child: ChildProcess;
  url: URL;
  exited: Promise<void>;
}

interface CycleLine {
  ms: number;
  vms: number;
  placed: number;
  readMs: number;
  scheduleMs: number;
  dispatchMs: number;
  messageMs: number;
}

/** Outcome of a wait for RUNNING VMs: every VM ran, or no VM reached RUNNING for STALL_MS. */
interface RunningOutcome {
  total: number;
  /** Seconds from the start of the wait to the last VM that reached RUNNING. */
  seconds: number;
  running: number;
  /** VMs that never reached RUNNING, as `id state/lcm_state`, at most 10. */
  stuck: string[];
}

async function startDaemon(home: string, configFile: string): Promise<RunningDaemon> {
  const profile = PROFILE_DIR === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR];
  const args = [...profile, path.join(ROOT, 'bin', 'stratusd.js'), '--home', home, '--port', '0', '--config', configFile];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));

  // Both pipes are read until the daemon exits, so that a full pipe never blocks it.
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4_000);
  });

  const url = await new Promise<URL>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-10_000);
      const match = /listening on (\S+)/.exec(output);
      if (match) resolve(new URL(match[1]));
    });
    void exited.then(() => reject(new Error(`stratusd exited before it listened: ${errors}`)));
  });
  return { child, url, exited };
}

async function stopDaemon(daemon: RunningDaemon): Promise<void> {
  daemon.child.kill('SIGTERM');
  await daemon.exited;
}

/** Returns VmHWM, the peak resident memory of a running process, in MiB. */
function peakResidentMib(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
  return Math.round(kib / 1024);
}

class Rpc {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });

  constructor(
    private readonly url: URL,
    private readonly session: string,
  ) {}

  /** Sends a call and returns the response. Throws when the call failed. */
  async call(method: string, ...params: unknown[]): Promise<string> {
    const response = await post(this.agent, this.url, Serializer.serializeMethodCall(method, [this.session, ...params]));
    if (!response.includes('<boolean>1</boolean>')) throw new Error(`${method} failed: ${response.slice(0, 400)}`);
    return response;
  }

  /** Sends a call that returns an XML document, such as a pool listing, and returns the document. */
  async document(method: string, ...params: unknown[]): Promise<string> {
    const response = await this.call(method, ...params);
    const escaped = /<string>([\s\S]*)<\/string>/.exec(response)?.[1] ?? '';
    return escaped.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Counts VMs by state in the daemon's database through a read-only connection of its
 * own, so that watching thousands of VMs does not load the daemon it measures.
 */
class VmCounter {
  private constructor(private readonly connection: SqliteConnection) {}

  static async open(home: string): Promise<VmCounter> {
    return new VmCounter(await SqliteConnection.open(path.join(home, 'stratus.db'), sqlite3.OPEN_READONLY));
  }

  async running(): Promise<number> {
    const row = await this.connection.get<{ count: number }>('SELECT count(*) AS count FROM vm_pool WHERE state = 3 AND lcm_state = 3');
    return row?.count ?? 0;
  }

  async stuck(): Promise<string[]> {
    const rows = await this.connection.all<{ oid: number; state: number; lcm_state: number }>(
      'SELECT oid, state, lcm_state FROM vm_pool WHERE NOT (state = 3 AND lcm_state = 3) ORDER BY oid LIMIT 10',
    );
    return rows.map((row) => `${row.oid} ${row.state}/${row.lcm_state}`);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

/** Runs `task(0)` … `task(count - 1)` from CLIENTS concurrent loops and returns the seconds it took. */
async function runConcurrently(count: number, task: (index: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  return (performance.now() - started) / 1000;
}

async function waitForMonitoredHosts(rpc: Rpc): Promise<boolean> {
  const deadline = performance.now() + MONITOR_DEADLINE_MS;
  while (performance.now() < deadline) {
    const pool = await rpc.document('one.hostpool.info');
    if ((pool.match(/<STATE>2<\/STATE>/g)?.length ?? 0) >= HOSTS) return true;
    await sleep(1_000);
  }
  return false;
}

/**
 * Gives every host the dummy driver's capacity in the database of a stopped daemon, as
 * a monitoring round would, for a tree whose monitor does not report host capacity.
 */
async function storeDummyCapacity(home: string): Promise<void> {
  const database = await SqliteDatabase.open(path.join(home, 'stratus.db'), { synchronous: 'NORMAL', busyTimeoutMs: 5000 });
  const store = new Store(database);
  await database.transaction(async (tx) => {
    for (const host of await store.hosts.list(tx)) {
      host.share = { ...host.share, totalCpu: DUMMY_CPU, maxCpu: DUMMY_CPU, totalMem: DUMMY_MEMORY_KIB, maxMem: DUMMY_MEMORY_KIB };
      host.state = HostState.MONITORED;
      await store.hosts.update(tx, host);
    }
  });
  await database.close();
}

/** Polls every 250 ms until `total` VMs are RUNNING, or until none has reached RUNNING for STALL_MS. */
async function waitForRunning(counter: VmCounter, total: number, since: number): Promise<RunningOutcome> {
  let running = await counter.running();
  let lastChange = performance.now();
  let lastReport = 0;

  while (running < total && performance.now() - lastChange < STALL_MS) {
    await sleep(250);
    const now = await counter.running();
    if (now !== running) lastChange = performance.now();
    running = now;

    if (performance.now() - lastReport > 10_000) {
      progress(`${running} of ${total} VMs RUNNING`);
      lastReport = performance.now();
    }
  }

  const stuck = running < total ? await counter.stuck() : [];
  return { total, seconds: (lastChange - since) / 1000, running, stuck };
}

async function timePoolInfo(rpc: Rpc): Promise<{ median: number; p95: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let call = 0; call < POOL_CALLS; call++) {
    const started = performance.now();
    bytes = Buffer.byteLength(await rpc.call('one.vmpool.info', -2, -1, -1, -1));
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], p95: times[Math.floor(times.length * 0.95)], bytes };
}

function readLogLines(home: string, event: string): string[] {
  const log = readFileSync(path.join(home, 'log', 'stratusd.log'), 'utf8');
  return log.split('\n').filter((line) => line.includes(` ${event} `));
}

/** Parses the `scheduler.cycle` lines of the daemon log, skipping the first `skip`. */
function readCycles(home: string, skip = 0): CycleLine[] {
  const field = (line: string, name: string) => Number(new RegExp(` ${name}=([\\d.]+)`).exec(line)?.[1] ?? NaN);

  return readLogLines(home, 'scheduler.cycle')
    .slice(skip)
    .map((line) => ({
      ms: field(line, 'ms'),
      vms: field(line, 'vms'),
      placed: field(line, 'placed'),
      readMs: field(line, 'readMs'),
      scheduleMs: field(line, 'scheduleMs'),
      dispatchMs: field(line, 'dispatchMs'),
      messageMs: field(line, 'messageMs'),
    }));
}

function progress(text: string): void {
  console.error(`[${new Date().toISOString()}] ${text}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function writeConfig(home: string, name: string, text: string): string {
  const file = path.join(home, name);
  writeFileSync(file, text);
  return file;
}

/** Registers the hosts, restarts so that the first monitoring round covers them all, and waits for it. */
async function prepareHosts(home: string, config: string): Promise<{ daemon: RunningDaemon; capacity: string; seconds: number }> {
  let daemon = await startDaemon(home, config);
  const session = readFileSync(path.join(home, 'one_auth'), 'utf8').trim();
  let rpc = new Rpc(daemon.url, session);
  const seconds = await runConcurrently(HOSTS, (n) => rpc.call('one.host.allocate', `node${n}`, 'dummy', 'dummy', -1));
  rpc.close();
  progress(`registered ${HOSTS} hosts; restarting so that the first monitoring round covers them`);
  await stopDaemon(daemon);

  daemon = await startDaemon(home, config);
  rpc = new Rpc(daemon.url, session);
  const monitored = await waitForMonitoredHosts(rpc);
  rpc.close();
  if (monitored) return { daemon, capacity: "reported by the dummy driver's MONITOR_HOST through the monitor", seconds };

  progress('the monitor did not report on every host; writing their capacity into the database');
  await stopDaemon(daemon);
  await storeDummyCapacity(home);
  daemon = await startDaemon(home, config);
  return { daemon, capacity: 'written into the database while the daemon was stopped, because no monitor reported it', seconds };
}

interface Results {
  /** One-minute load averages of the machine at the start and at the end. */
  loadAverages: [number, number];
  hosts: { capacity: string; seconds: number };
  allocationSeconds: number;
  arrival: RunningOutcome;
  pool: { median: number; p95: number; bytes: number };
  /** Peak resident memory up to the moment every VM ran, before the one.vmpool.info calls. */
  arrivalPeakMib: number;
  /** Peak resident memory after the one.vmpool.info calls. */
  poolPeakMib: number;
  arrivalCycles: CycleLine[];
  backlog: RunningOutcome;
  backlogPeakMib: number;
  backlogCycles: CycleLine[];
  internalErrors: string[];
}

/** Phase 1: VMs arrive while the scheduler runs every 500 ms. */
async function measureArrival(home: string, daemon: RunningDaemon, counter: VmCounter) {
  progress(`allocating ${VMS} VMs`);
  const rpc = new Rpc(daemon.url, readFileSync(path.join(home, 'one_auth'), 'utf8').trim());
  const firstAllocation = performance.now();
  const allocationSeconds = await runConcurrently(VMS, (n) => rpc.call('one.vm.allocate', VM_TEMPLATE(`scale-${n}`), false));
  const arrival = await waitForRunning(counter, VMS, firstAllocation);
  const arrivalPeakMib = peakResidentMib(daemon.child.pid!);

  progress('timing one.vmpool.info');
  const pool = await timePoolInfo(rpc);
  rpc.close();
  return { allocationSeconds, arrival, pool, arrivalPeakMib, poolPeakMib: peakResidentMib(daemon.child.pid!), arrivalCycles: readCycles(home) };
}

/**
 * Moves every HOLD VM to PENDING in the database of a stopped daemon, as one.vm.release
 * would, but without waking the scheduler of a running daemon.
 */
async function releaseHeldVms(home: string): Promise<number> {
  const database = await SqliteDatabase.open(path.join(home, 'stratus.db'), { synchronous: 'NORMAL', busyTimeoutMs: 5000 });
  const store = new Store(database);
  const released = await database.transaction(async (tx) => {
    const heldVms = await store.vms.list(tx, { where: 'state = ?', params: [VmState.HOLD] });
    for (const vm of heldVms) {
      vm.prevState = vm.state;
      vm.state = VmState.PENDING;
    }
    await store.vms.updateMany(tx, heldVms);
    return heldVms.length;
  });
  await database.close();
  return released;
}

/**
 * Phase 2: a backlog is allocated on HOLD, released in the database while no daemon
 * runs, and the first cycle of the next daemon takes it all. Returns the daemon that
 * runs the backlog.
 */
async function measureBacklog(home: string, schedulingConfig: string, idleConfig: string, counter: VmCounter) {
  progress(`queuing ${BACKLOG} VMs on HOLD`);
  let daemon = await startDaemon(home, idleConfig);
  const session = readFileSync(path.join(home, 'one_auth'), 'utf8').trim();
  const rpc = new Rpc(daemon.url, session);
  await runConcurrently(BACKLOG, (n) => rpc.call('one.vm.allocate', VM_TEMPLATE(`backlog-${n}`), true));
  rpc.close();
  await stopDaemon(daemon);
  const released = await releaseHeldVms(home);
  if (released !== BACKLOG) throw new Error(`expected ${BACKLOG} VMs on HOLD, found ${released}`);

  const cyclesBefore = readCycles(home).length;
  const target = (await counter.running()) + BACKLOG;
  progress('restarting with timed cycles');
  const restarted = performance.now();
  daemon = await startDaemon(home, schedulingConfig);
  const backlog = await waitForRunning(counter, target, restarted);
  return { daemon, backlog, backlogPeakMib: peakResidentMib(daemon.child.pid!), backlogCycles: readCycles(home, cyclesBefore) };
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0];
  const home = mkdtempSync(path.join(os.tmpdir(), 'stratus-scale-'));
  const schedulingConfig = writeConfig(home, 'scheduling.conf', SCHEDULING_CONFIG);
  const idleConfig = writeConfig(home, 'idle-scheduler.conf', IDLE_SCHEDULER_CONFIG);
  let daemon: RunningDaemon | undefined;
  let counter: VmCounter | undefined;

  try {
    const hosts = await prepareHosts(home, schedulingConfig);
    daemon = hosts.daemon;
    counter = await VmCounter.open(home);

    const arrival = await measureArrival(home, daemon, counter);
    await stopDaemon(daemon);
    daemon = undefined;

    const backlog = await measureBacklog(home, schedulingConfig, idleConfig, counter);
    daemon = backlog.daemon;

    const internalErrors = readLogLines(home, 'internal.error').map((line) => line.slice(0, 240));
    report({ loadAverages: [loadAtStart, os.loadavg()[0]], hosts, ...arrival, ...backlog, internalErrors });
  } finally {
    await counter?.close();
    if (daemon) await stopDaemon(daemon);
    rmSync(home, { recursive: true, force: true });
  }
}

function describeCycle(cycle: CycleLine | undefined): string {
  if (cycle === undefined) return 'no cycle logged';
  return (
    `${cycle.vms} VMs, ${cycle.placed} placed: ${cycle.ms.toFixed(0)} ms in all = read ${cycle.readMs.toFixed(0)} + ` +
    `schedule ${cycle.scheduleMs.toFixed(0)} + dispatch ${cycle.dispatchMs.toFixed(0)} + SCHED_MESSAGE ${cycle.messageMs.toFixed(0)}`
  );
}

function describeRunning(outcome: RunningOutcome): string {
  if (outcome.stuck.length === 0) return `${outcome.seconds.toFixed(1)} s`;
  return `not reached: ${outcome.running} of ${outcome.total} RUNNING after ${outcome.seconds.toFixed(1)} s; stuck (id state/lcm_state): ${outcome.stuck.join(', ')}`;
}

function report(results: Results): void {
  const cpus = os.cpus();
  const largest = (cycles: CycleLine[]) => cycles.reduce<CycleLine | undefined>((most, cycle) => (most === undefined || cycle.vms > most.vms ? cycle : most), undefined);

  console.log(`Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`);
  console.log(`Load average (1 min): ${results.loadAverages.map((load) => load.toFixed(1)).join(' at the start, ')} at the end`);
  console.log(`Configuration: ${SCHEDULING_CONFIG.trim().replace('\n', '; ')}`);
  console.log(`Hosts: ${HOSTS}, registered in ${results.hosts.seconds.toFixed(1)} s; capacity ${DUMMY_CPU / 100} cores and ${DUMMY_MEMORY_KIB / 2 ** 20} GiB each, ${results.hosts.capacity}`);
  console.log(`VMs: CPU 0.5 and MEMORY 512 each, allocated by ${CLIENTS} concurrent clients; RUNNING counted in the database every 250 ms\n`);

  console.log('| measurement | result | target |\n| --- | --- | --- |');
  console.log(`| ${VMS} VMs: first allocation to all RUNNING | ${describeRunning(results.arrival)} (allocations took ${results.allocationSeconds.toFixed(1)} s) | under 120 s |`);
  console.log(`| cycles while they arrived | ${results.arrivalCycles.length}; largest: ${describeCycle(largest(results.arrivalCycles))} | |`);
  console.log(`| first cycle after a restart with ${BACKLOG} pending VMs, ${HOSTS} hosts | ${describeCycle(results.backlogCycles[0])} | under 2 s |`);
  console.log(`| daemon start to all ${BACKLOG} backlog VMs RUNNING | ${describeRunning(results.backlog)} | |`);
  console.log(`| one.vmpool.info with ${VMS} VMs (${(results.pool.bytes / 1e6).toFixed(1)} MB, ${POOL_CALLS} calls) | median ${results.pool.median.toFixed(0)} ms, p95 ${results.pool.p95.toFixed(0)} ms | |`);
  console.log(`| daemon peak resident memory (VmHWM) until all ${VMS} VMs ran | ${results.arrivalPeakMib} MiB | under 500 MiB |`);
  console.log(`| the same after ${POOL_CALLS} one.vmpool.info calls | ${results.poolPeakMib} MiB | under 500 MiB |`);
  console.log(`| daemon peak resident memory (VmHWM), backlog daemon | ${results.backlogPeakMib} MiB | |`);

  console.log(`\ninternal.error lines in the daemon log: ${results.internalErrors.length}`);
  for (const line of results.internalErrors.slice(0, 5)) console.log(`  ${line}`);
}

await main();
