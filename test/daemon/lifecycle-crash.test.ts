// SIGKILL of the real daemon while VM operations are in flight, 20 times on the same
// home folder. The daemon settles interrupted operations before it listens, so each
// restart is followed at once by the checks. No acknowledged VM may be lost or
// doubled, no VM may be left in a transient state, and the host shares and image
// counts must agree with the VMs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import { ErrorCode } from '../../core/errors/api-error.js';
import { isFailureState } from '../../core/lifecycle/vm-actions.js';
import { LcmState, VmState } from '../../core/vm/states.js';
import { OneClient } from '../../rpc/client/client.js';
import { OneApiError } from '../../rpc/client/errors.js';
import { temporaryHome, type DaemonProcess } from '../helpers/daemon.js';
import { killOnTeardown, readAdminSession } from '../helpers/daemon-process.js';
import { waitForReady, writeImageFile } from '../helpers/images.js';
import { spawnDaemonWithEnvironment } from '../helpers/lifecycle-world.js';
import { find, findAll, parseXml, type XmlNode } from '../helpers/objects.js';

const ROUNDS = 20;
const WORKERS = 4;
/** Allocations stop while this many VMs are not DONE, so the pool stays small. */
const MAX_LIVE_VMS = 24;
/** Each round sends SIGKILL after a random wait in this range, in milliseconds. */
const KILL_AFTER_MS = { min: 300, max: 1800 };
/** Delays of the dummy driver, in milliseconds, so that flows are in flight when the kill comes. */
const DRIVER_DELAYS: Record<string, number> = { DEPLOY: 200, SHUTDOWN: 150, CANCEL: 50, SAVE: 120, RESTORE: 100, REBOOT: 80, MIGRATE: 150 };
const HOST_NAMES = ['localhost', 'node2'];
const SIZES = [
  { cpu: '0.25', memory: 32 },
  { cpu: '0.5', memory: 64 },
  { cpu: '1', memory: 128 },
];

/** LCM states a VM may rest in while no operation runs on it. */
function isRestingLcmState(lcmState: LcmState): boolean {
  return lcmState === LcmState.RUNNING || lcmState === LcmState.UNKNOWN || isFailureState({ state: VmState.ACTIVE, lcmState });
}

/** VM states in which OpenNebula keeps the VM's capacity reserved on its host. */
const HOLDS_HOST = new Set([VmState.ACTIVE, VmState.POWEROFF, VmState.SUSPENDED]);

interface HistoryView {
  seq: number;
  hid: number;
  etime: number;
}

interface VmView {
  id: number;
  token: string | undefined;
  state: VmState;
  lcmState: LcmState;
  cpu: number;
  memoryMb: number;
  deployId: string;
  imageIds: number[];
  lastHistory: HistoryView | undefined;
  error: string | undefined;
}

interface HostView {
  id: number;
  name: string;
  cpuUsage: number;
  memUsage: number;
  runningVms: number;
  vms: number[];
}

interface ImageView {
  id: number;
  runningVms: number;
  vms: number[];
}

interface World {
  vms: VmView[];
  hosts: HostView[];
  images: ImageView[];
}

const text = (node: XmlNode, name: string) => find(node, name).text;
const optionalText = (node: XmlNode, name: string) => findAll(node, name)[0]?.text;
const ids = (node: XmlNode, name: string) => findAll(node, `${name}/ID`).map((id) => Number(id.text));

function vmView(node: XmlNode): VmView {
  const history = findAll(node, 'HISTORY_RECORDS/HISTORY').at(-1);
  return {
    id: Number(text(node, 'ID')),
    token: optionalText(node, 'USER_TEMPLATE/TOKEN'),
    state: Number(text(node, 'STATE')),
    lcmState: Number(text(node, 'LCM_STATE')),
    cpu: Number(optionalText(node, 'TEMPLATE/CPU') ?? '0'),
    memoryMb: Number(optionalText(node, 'TEMPLATE/MEMORY') ?? '0'),
    deployId: optionalText(node, 'DEPLOY_ID') ?? '',
    imageIds: findAll(node, 'TEMPLATE/DISK/IMAGE_ID').map((id) => Number(id.text)),
    lastHistory: history && { seq: Number(text(history, 'SEQ')), hid: Number(text(history, 'HID')), etime: Number(text(history, 'ETIME')) },
    error: optionalText(node, 'USER_TEMPLATE/ERROR'),
  };
}

async function readWorld(client: OneClient): Promise<World> {
  const vmPool = parseXml(await client.call<string>('one.vmpool.infoextended', -2, -1, -1, -2));
  const hostPool = parseXml(await client.call<string>('one.hostpool.info'));
  const imagePool = parseXml(await client.call<string>('one.imagepool.info', -2, -1, -1));

  return {
    vms: findAll(vmPool, 'VM').map(vmView),
    hosts: findAll(hostPool, 'HOST').map((host) => ({
      id: Number(text(host, 'ID')),
      name: text(host, 'NAME'),
      cpuUsage: Number(text(host, 'HOST_SHARE/CPU_USAGE')),
      memUsage: Number(text(host, 'HOST_SHARE/MEM_USAGE')),
      runningVms: Number(text(host, 'HOST_SHARE/RUNNING_VMS')),
      vms: ids(host, 'VMS'),
    })),
    images: findAll(imagePool, 'IMAGE').map((image) => ({
      id: Number(text(image, 'ID')),
      runningVms: Number(text(image, 'RUNNING_VMS')),
      vms: ids(image, 'VMS'),
    })),
  };
}

function positionOf(vm: { state: VmState; lcmState: LcmState }): string {
  return vm.state === VmState.ACTIVE ? `ACTIVE/${LcmState[vm.lcmState]}` : VmState[vm.state];
}

/** Returns the host of the VM's last history record while that record is open, which is the host the VM is placed on. */
function placedOn(vm: VmView): number | undefined {
  return vm.lastHistory && vm.lastHistory.etime === 0 ? vm.lastHistory.hid : undefined;
}

/** What the workload did, per VM, so that a failed check can show each VM's past. */
class EventLog {
  private readonly byVm = new Map<number, string[]>();

  add(vmId: number, line: string): void {
    const lines = this.byVm.get(vmId) ?? [];
    lines.push(line);
    this.byVm.set(vmId, lines);
  }

  /** Describes the VM's position, placement and error, and the last workload events on it. */
  describe(vm: VmView): string {
    const history = vm.lastHistory ? `history #${vm.lastHistory.seq} on host ${vm.lastHistory.hid}, ETIME ${vm.lastHistory.etime}` : 'no history';
    const events = (this.byVm.get(vm.id) ?? []).slice(-8).join('; ');
    return `VM ${vm.id} ${positionOf(vm)}, ${history}, DEPLOY_ID "${vm.deployId}"${vm.error ? `, ERROR "${vm.error}"` : ''}; events: ${events}`;
  }
}

interface Workload {
  round: number;
  /** Creates a client of this round's daemon, one per worker. */
  connect: () => OneClient;
  hostIds: number[];
  imageId: number;
  /** Token to VM id of every allocation the daemon acknowledged. */
  acknowledged: Map<string, number>;
  /** VMs that are not known to be DONE. */
  live: Set<number>;
  events: EventLog;
  nextToken: number;
  stopped: boolean;
  /** Kill function that the next acknowledged request calls, set when the round should end at that moment. */
  killOnAcknowledgement: (() => void) | undefined;
  counts: { acknowledged: number; rejected: number; unanswered: number };
  /** Errors that are neither ACTION refusals nor lost connections. */
  unexpected: string[];
}

/**
 * No host has ID -1, so the scheduler leaves these VMs PENDING, and only the workload's
 * one.vm.deploy places them. Thus no flow starts on its own after a restart, before the checks.
 */
const NO_SCHEDULER = 'SCHED_REQUIREMENTS = "ID = -1"';

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

function vmTemplate(token: number, imageId: number): string {
  const size = SIZES[token % SIZES.length];
  const lines = [`NAME = "crash-${token}"`, `TOKEN = "${token}"`, `CPU = "${size.cpu}"`, `MEMORY = "${size.memory}"`, NO_SCHEDULER];
  if (token % 2 === 0) lines.push(`DISK = [ IMAGE_ID = "${imageId}" ]`);
  return lines.join('\n');
}

/** Chooses at random an action that the VM's position accepts. Returns undefined while an operation runs. */
function chooseAction(state: VmState, lcmState: LcmState): string | undefined {
  switch (state) {
    case VmState.PENDING:
      return pick(['deploy', 'deploy', 'deploy', 'deploy', 'hold', 'terminate']);
    case VmState.HOLD:
      return pick(['release', 'deploy', 'terminate']);
    case VmState.POWEROFF:
      return pick(['resume', 'resume', 'resume', 'terminate', 'undeploy', 'migrate']);
    case VmState.SUSPENDED:
      return pick(['resume', 'resume', 'resume', 'terminate', 'stop', 'migrate']);
    case VmState.STOPPED:
    case VmState.UNDEPLOYED:
      return pick(['resume', 'resume', 'terminate-hard']);
    case VmState.ACTIVE:
      if (lcmState === LcmState.RUNNING) {
        return pick(['poweroff', 'poweroff-hard', 'suspend', 'suspend', 'stop', 'undeploy', 'reboot', 'terminate', 'terminate-hard', 'migrate', 'live-migrate']);
      }
      if (lcmState === LcmState.UNKNOWN) return pick(['resume', 'terminate']);
      if (isFailureState({ state, lcmState })) return pick(['terminate', 'terminate-hard']);
      return undefined;
    default:
      return undefined;
  }
}

/** Sends one request and records its outcome. A lost connection is expected once the daemon was killed. */
async function send<T>(w: Workload, vmId: number | undefined, label: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    const value = await call();
    w.counts.acknowledged += 1;
    const id = vmId ?? (typeof value === 'number' ? value : undefined);
    if (id !== undefined && label !== 'info') w.events.add(id, `round ${w.round}: ${label} acknowledged`);
    if (w.killOnAcknowledgement && label !== 'info') w.killOnAcknowledgement();
    return value;
  } catch (error) {
    if (error instanceof OneApiError) {
      w.counts.rejected += 1;
      if (vmId !== undefined) w.events.add(vmId, `round ${w.round}: ${label} rejected (${error.message})`);
      if (error.code !== ErrorCode.ACTION) w.unexpected.push(`round ${w.round}: ${label} of VM ${vmId ?? '-'}: ${error.message}`);
      return undefined;
    }
    w.counts.unanswered += 1;
    if (vmId !== undefined) w.events.add(vmId, `round ${w.round}: ${label} sent, no answer`);
    if (!w.stopped) w.unexpected.push(`round ${w.round}: ${label} of VM ${vmId ?? '-'} failed before the kill: ${(error as Error).message}`);
    return undefined;
  }
}

async function allocate(w: Workload, client: OneClient): Promise<void> {
  const token = w.nextToken++;
  const id = await send(w, undefined, `allocate (token ${token})`, () => client.call<number>('one.vm.allocate', vmTemplate(token, w.imageId), false));
  if (id === undefined) return;
  w.acknowledged.set(String(token), id);
  w.live.add(id);
}

async function operate(w: Workload, client: OneClient, vmId: number): Promise<void> {
  const info = await send(w, vmId, 'info', () => client.call<string>('one.vm.info', vmId));
  if (info === undefined) return;
  const vm = vmView(parseXml(info));
  if (vm.state === VmState.DONE) {
    w.live.delete(vmId);
    return;
  }

  const action = chooseAction(vm.state, vm.lcmState);
  if (action === undefined) return;
  if (action === 'deploy') {
    const hostId = pick(w.hostIds);
    await send(w, vmId, `deploy to host ${hostId} from ${positionOf(vm)}`, () => client.call('one.vm.deploy', vmId, hostId, false, -1));
    return;
  }
  if (action === 'migrate' || action === 'live-migrate') {
    const hostId = w.hostIds.find((id) => id !== placedOn(vm));
    if (hostId === undefined) return;
    const live = action === 'live-migrate';
    await send(w, vmId, `${action} to host ${hostId} from ${positionOf(vm)}`, () => client.call('one.vm.migrate', vmId, hostId, live, false, -1, 0));
    return;
  }
  await send(w, vmId, `${action} from ${positionOf(vm)}`, () => client.call('one.vm.action', action, vmId));
}

async function worker(w: Workload): Promise<void> {
  const client = w.connect();
  while (!w.stopped) {
    if (w.live.size < MAX_LIVE_VMS && (w.live.size < 4 || Math.random() < 0.2)) {
      await allocate(w, client);
    } else if (w.live.size > 0) {
      await operate(w, client, pick([...w.live]));
    }
    await sleep(Math.random() * 30);
  }
}

/** Runs the workers until a random moment, sends SIGKILL and waits for the daemon and the workers to stop. */
async function runRound(w: Workload, daemon: DaemonProcess): Promise<string> {
  const workers = Array.from({ length: WORKERS }, () => worker(w));
  const waitMs = KILL_AFTER_MS.min + Math.random() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min);
  const kill = () => {
    if (w.stopped) return;
    w.stopped = true;
    w.killOnAcknowledgement = undefined;
    daemon.child.kill('SIGKILL');
  };

  await sleep(waitMs);
  // Every other round, the kill follows the next acknowledged request at once. The
  // flow that request started may not have run its first step yet.
  const onAcknowledgement = w.round % 2 === 1;
  if (onAcknowledgement) {
    w.killOnAcknowledgement = kill;
    await Promise.race([daemon.exited, sleep(500)]);
  }
  kill();

  await daemon.exited;
  await Promise.all(workers);
  return `${Math.round(waitMs)} ms${onAcknowledgement ? ', then at the next acknowledgement' : ''}`;
}

/** Checks every invariant on what a restarted daemon shows, and returns whether all held. */
function checkWorld(t: Test, world: World, w: Workload, label: string): boolean {
  const results: boolean[] = [];
  const byToken = new Map<string, VmView[]>();
  for (const vm of world.vms) {
    if (vm.token === undefined) continue;
    byToken.set(vm.token, [...(byToken.get(vm.token) ?? []), vm]);
  }

  const lost = [...w.acknowledged]
    .filter(([token, id]) => (byToken.get(token) ?? []).map((vm) => vm.id).join() !== String(id))
    .map(([token, id]) => `token ${token} (VM ${id}) stored as ${(byToken.get(token) ?? []).map((vm) => `VM ${vm.id}`).join(', ') || 'nothing'}`);
  results.push(t.same(lost, [], `${label}: every acknowledged VM exists once with its id`));
  const doubled = [...byToken].filter(([, vms]) => vms.length > 1).map(([token, vms]) => `token ${token}: VMs ${vms.map((vm) => vm.id).join(', ')}`);
  results.push(t.same(doubled, [], `${label}: no token stored twice`));

  const transient = world.vms.filter((vm) => vm.state === VmState.ACTIVE && !isRestingLcmState(vm.lcmState));
  results.push(t.same(transient.map((vm) => w.events.describe(vm)), [], `${label}: no VM in a transient LCM state`));

  // A failure state may come from a flow that began off any host (terminate of a
  // STOPPED VM runs EPILOG), so only these positions must have a host.
  const mustBePlaced = (vm: VmView) => vm.state !== VmState.ACTIVE || vm.lcmState === LcmState.RUNNING || vm.lcmState === LcmState.UNKNOWN;
  const lostHost = world.vms.filter((vm) => HOLDS_HOST.has(vm.state) && mustBePlaced(vm) && placedOn(vm) === undefined);
  results.push(t.same(lostHost.map((vm) => w.events.describe(vm)), [], `${label}: RUNNING, UNKNOWN, POWEROFF and SUSPENDED VMs keep their host`));
  const strayPlacement = world.vms.filter((vm) => !HOLDS_HOST.has(vm.state) && placedOn(vm) !== undefined);
  results.push(t.same(strayPlacement.map((vm) => w.events.describe(vm)), [], `${label}: VMs off their host have no open history`));
  const runningWithoutId = world.vms.filter((vm) => vm.state === VmState.ACTIVE && vm.lcmState === LcmState.RUNNING && vm.deployId === '');
  results.push(t.same(runningWithoutId.map((vm) => w.events.describe(vm)), [], `${label}: every RUNNING VM has a DEPLOY_ID`));

  for (const host of world.hosts) {
    const placed = world.vms.filter((vm) => HOLDS_HOST.has(vm.state) && placedOn(vm) === host.id);
    const cpu = placed.reduce((sum, vm) => sum + Math.round(vm.cpu * 100), 0);
    const memory = placed.reduce((sum, vm) => sum + vm.memoryMb * 1024, 0);
    const detail = `placed: ${placed.map((vm) => vm.id).join(', ') || 'none'}`;
    results.push(t.equal(host.cpuUsage, cpu, `${label}: host ${host.name} CPU_USAGE is the sum of CPU x 100 (${detail})`));
    results.push(t.equal(host.memUsage, memory, `${label}: host ${host.name} MEM_USAGE is the sum of MEMORY x 1024 (${detail})`));
    results.push(t.same(host.vms, placed.map((vm) => vm.id).sort((a, b) => a - b), `${label}: host ${host.name} VMS lists the placed VMs`));
    results.push(t.equal(host.runningVms, placed.length, `${label}: host ${host.name} RUNNING_VMS counts the placed VMs`));
  }

  for (const image of world.images) {
    const users = world.vms.filter((vm) => vm.state !== VmState.DONE && vm.imageIds.includes(image.id)).map((vm) => vm.id).sort((a, b) => a - b);
    results.push(t.equal(image.runningVms, image.vms.length, `${label}: image ${image.id} RUNNING_VMS matches its VMS`));
    results.push(t.same(image.vms, users, `${label}: image ${image.id} VMS lists the VMs that are not DONE and use it`));
  }
  return results.every(Boolean);
}

/** Returns the daemon log lines of the last start about interrupted flows, for the failure report. */
function lastRecoveryLines(home: string): string[] {
  const file = path.join(home, 'log', 'stratusd.log');
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const lastStart = lines.findLastIndex((line) => line.includes('database.opened'));
  return lines.slice(Math.max(0, lastStart)).filter((line) => line.includes('vm.flow_interrupted'));
}

function countByPosition(vms: VmView[]): string {
  const counts = new Map<string, number>();
  for (const vm of vms) counts.set(positionOf(vm), (counts.get(positionOf(vm)) ?? 0) + 1);
  return [...counts].sort().map(([position, count]) => `${position} ${count}`).join(', ');
}

t.test('SIGKILL during VM operations', async (t) => {
  const home = temporaryHome(t);
  const control = temporaryHome(t, 'stratus-dummy-control-');
  const imageFolder = temporaryHome(t, 'stratus-images-');
  for (const [action, ms] of Object.entries(DRIVER_DELAYS)) writeFileSync(path.join(control, action), `delay ${ms}\n`);
  mkdirSync(path.join(home, 'datastores'), { recursive: true });
  const environment = {
    STRATUS_DUMMY_CONTROL: control,
    STRATUS_DATASTORE_ROOTS: path.join(home, 'datastores'),
    STRATUS_IMAGE_PATH_ALLOW: imageFolder,
    // The shared transfer driver works only on hosts that name this machine.
    STRATUS_LOCAL_HOSTS: HOST_NAMES.join(','),
  };

  const start = async () => {
    const daemon = await spawnDaemonWithEnvironment(home, environment);
    killOnTeardown(t, daemon);
    const connect = () => new OneClient({ endpoint: daemon.url, session: readAdminSession(home) });
    return { daemon, connect, client: connect() };
  };

  let { daemon, connect, client } = await start();
  const hostIds: number[] = [];
  for (const name of HOST_NAMES) hostIds.push(await client.call<number>('one.host.allocate', name, 'dummy', 'dummy', -1));
  const imageFile = writeImageFile(imageFolder, 'crash-base.img');
  const imageId = await client.call<number>('one.image.allocate', `NAME = "crash-base"\nPATH = "${imageFile}"`, 1);
  await waitForReady(client, imageId);

  const w: Workload = {
    round: 0,
    connect,
    hostIds,
    imageId,
    acknowledged: new Map(),
    live: new Set(),
    events: new EventLog(),
    nextToken: 0,
    stopped: false,
    killOnAcknowledgement: undefined,
    counts: { acknowledged: 0, rejected: 0, unanswered: 0 },
    unexpected: [],
  };

  for (let round = 1; round <= ROUNDS; round++) {
    w.round = round;
    w.connect = connect;
    w.stopped = false;
    const killedAfter = await runRound(w, daemon);

    const restartBegan = Date.now();
    ({ daemon, connect, client } = await start());
    const restartMs = Date.now() - restartBegan;
    const world = await readWorld(client);
    t.comment(`round ${round}: SIGKILL after ${killedAfter}, restart in ${restartMs} ms; ${world.vms.length} VMs: ${countByPosition(world.vms)}`);
    if (!checkWorld(t, world, w, `round ${round}`)) {
      t.comment(`interrupted flows the restart settled:\n${lastRecoveryLines(home).join('\n')}`);
      break;
    }
  }

  t.same(w.unexpected, [], 'no request failed other than with an ACTION error or by the kill');
  t.comment(`requests: ${w.counts.acknowledged} acknowledged, ${w.counts.rejected} rejected, ${w.counts.unanswered} cut by a kill`);
  t.ok(w.acknowledged.size > ROUNDS, `${w.acknowledged.size} allocations acknowledged`);

  daemon.child.kill('SIGTERM');
  t.equal(await daemon.exited, 0, 'the last daemon stops cleanly');
});
