import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Argument, InvalidArgumentError, type Command } from 'commander';
import { VM_ACTIONS } from '../../core/lifecycle/vm-actions.js';
import { LcmState, VmState } from '../../core/vm/states.js';
import type { CliContext } from '../context.js';
import { asList, asObject, parseRoot, textAt } from '../documents.js';
import { CliError, usageError, type ExitCodeValue } from '../errors.js';
import { DATASTORE, HOST, VM } from '../object-types.js';
import { formatJson } from '../output/json.js';
import { printId } from '../output/print.js';
import { resolveId } from '../resolve.js';
import { readTemplateInput, type TemplateOptions } from '../template-input.js';
import { addMigrateCommand } from './vm-migrate.js';

/** Time between two one.vm.info calls while waiting, in milliseconds. */
const POLL_INTERVAL_MS = 500;

/** Exit status of a wait that timed out. Usage errors have the same number, so scripts read the message to see which. */
const WAIT_TIMED_OUT: ExitCodeValue = 2;

export interface WaitOptions {
  wait?: boolean;
  timeout?: number;
}

/** A VM's position and last error, as one.vm.info returns them. */
export interface VmStatus {
  state: number;
  lcmState: number;
  error: string;
}

/** Returns the name a wait prints and matches: the LCM state while ACTIVE (`RUNNING`), else the VM state (`POWEROFF`). */
function statusName(status: VmStatus): string {
  if (status.state === VmState.ACTIVE) return LcmState[status.lcmState] ?? `LCM_STATE ${status.lcmState}`;
  return VmState[status.state] ?? `STATE ${status.state}`;
}

function isStateName(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(VmState, name) || Object.prototype.hasOwnProperty.call(LcmState, name);
}

function parseStateName(text: string): string {
  const name = text.toUpperCase();
  if (!/^[A-Z_]+$/.test(name) || !isStateName(name)) {
    throw new InvalidArgumentError('expected a VM state such as RUNNING, POWEROFF, DONE or BOOT_FAILURE.');
  }
  return name;
}

function parseSeconds(text: string): number {
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) <= 0) throw new InvalidArgumentError('expected a positive number of seconds.');
  return Number(text);
}

export async function readStatus(ctx: CliContext, command: Command, vmId: number): Promise<VmStatus> {
  const vm = parseRoot(await ctx.call<string>(command, 'one.vm.info', vmId, ...VM.infoArgs), 'VM');
  return { state: Number(textAt(vm, 'STATE')), lcmState: Number(textAt(vm, 'LCM_STATE')), error: textAt(vm, 'USER_TEMPLATE.ERROR') };
}

function reached(status: VmStatus, target: string): boolean {
  if (VmState[status.state] === target) return true;
  return status.state === VmState.ACTIVE && LcmState[status.lcmState] === target;
}

function hasNewError(status: VmStatus, baselineError: string): boolean {
  return status.error !== '' && status.error !== baselineError;
}

/** Returns why the wait cannot succeed any more: a failure state, DONE, or an ERROR newer than `baselineError`. */
function failureOf(vmId: number, status: VmStatus, baselineError: string): string | undefined {
  const name = statusName(status);
  const detail = status.error === '' ? '' : `: ${status.error}`;
  if (name.endsWith('_FAILURE')) return `VM ${vmId} is in ${name}${detail}`;
  if (status.state === VmState.DONE) return `VM ${vmId} is DONE`;
  if (hasNewError(status, baselineError)) return `the operation on VM ${vmId} failed, and the VM is in ${name}${detail}`;
  return undefined;
}

/** Shows the states a VM goes through while a command waits for it. */
interface Progress {
  show(state: string): void;
  stop(): void;
}

/** The states a VM passes on its way to a target, by name prefix, for the progress bar. */
const STAGES: Readonly<Record<string, readonly string[]>> = {
  RUNNING: ['PENDING', 'PROLOG', 'BOOT', 'RUNNING'],
  DONE: ['SHUTDOWN', 'EPILOG', 'DONE'],
  POWEROFF: ['SHUTDOWN', 'POWEROFF'],
  UNDEPLOYED: ['SHUTDOWN', 'UNDEPLOYED'],
  SUSPENDED: ['SAVE', 'SUSPENDED'],
  STOPPED: ['SAVE', 'STOPPED'],
};

/** The part of cli-progress 3.12 that is used here; the package ships no type declarations. */
interface CliProgress {
  SingleBar: new (options: object, preset: object) => {
    start(total: number, value: number, payload: object): void;
    update(value: number, payload: object): void;
    stop(): void;
  };
  Presets: { shades_classic: object };
}

/** Opens a cli-progress bar on standard error, with one step per stage of the way to `target`. */
function barProgress(vmId: number, target: string): Progress {
  const { SingleBar, Presets } = createRequire(import.meta.url)('cli-progress') as CliProgress;
  const stages = STAGES[target] ?? [target];
  const bar = new SingleBar({ format: `VM ${vmId} [{bar}] {state} {duration_formatted}`, stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  let value = 0;
  bar.start(stages.length, 0, { state: '' });

  return {
    show(state) {
      const stage = stages.findIndex((prefix) => state.startsWith(prefix));
      value = Math.max(value, stage + 1);
      bar.update(value, { state });
    },
    stop: () => bar.stop(),
  };
}

/** Returns a bar when standard error is a terminal and the output is for people, else a writer of one line per state. */
function openProgress(ctx: CliContext, command: Command, vmId: number, target: string): Progress {
  const human = ctx.format(command) === 'human';
  if (human && process.stderr.isTTY === true) return barProgress(vmId, target);

  const write = (text: string) => (human ? ctx.io.stdout(text) : ctx.io.stderr(text));
  return { show: (state) => write(`VM ${vmId}: ${state}\n`), stop: () => undefined };
}

/**
 * Polls one.vm.info until the VM reaches `target`, printing each state it passes.
 * Throws CliError (exit status 1) when it reaches a failure state, DONE, or records
 * an ERROR other than `baselineError`, and exit status 2 after `timeoutSeconds`.
 */
export async function waitForVm(
  ctx: CliContext,
  command: Command,
  vmId: number,
  target: string,
  settings: { timeoutSeconds?: number; baselineError?: string },
): Promise<VmStatus> {
  const progress = openProgress(ctx, command, vmId, target);
  const deadline = settings.timeoutSeconds === undefined ? Infinity : ctx.io.now() + settings.timeoutSeconds * 1000;
  let lastShown = '';

  try {
    for (;;) {
      const status = await readStatus(ctx, command, vmId);
      const name = statusName(status);
      if (name !== lastShown) progress.show(name);
      lastShown = name;

      // A new ERROR counts even in the target state, because a failed save or reboot leaves the VM RUNNING.
      const failed = hasNewError(status, settings.baselineError ?? '') && !target.endsWith('_FAILURE');
      if (reached(status, target) && !failed) return status;
      const failure = failureOf(vmId, status, settings.baselineError ?? '');
      if (failure !== undefined) throw new CliError(failure);
      if (ctx.io.now() >= deadline) {
        throw new CliError(`timed out after ${settings.timeoutSeconds} s waiting for VM ${vmId} to reach ${target}; it is in ${name}`, WAIT_TIMED_OUT);
      }
      await sleep(POLL_INTERVAL_MS);
    }
  } finally {
    progress.stop();
  }
}

/** Adds `--wait` and `--timeout` to a command whose operation ends in a state. */
export function addWaitOptions(command: Command, outcome: string): Command {
  return command
    .option('--wait', `wait until the VM is ${outcome}, showing its progress (exit status 1 on failure, 2 on timeout)`)
    .option('--timeout <seconds>', 'with --wait, stop waiting after this many seconds (default: no limit)', parseSeconds);
}

/** Sends the call that starts an operation and, with `--wait`, waits for `target`. An ERROR set before the call does not count as a failure. */
async function sendAndWait(ctx: CliContext, command: Command, vmId: number, target: string | undefined, options: WaitOptions, send: () => Promise<unknown>): Promise<void> {
  if (!options.wait || target === undefined) {
    await send();
    return;
  }
  const before = await readStatus(ctx, command, vmId);
  await send();
  await waitForVm(ctx, command, vmId, target, { timeoutSeconds: options.timeout, baselineError: before.error });
}

interface Shortcut {
  action: string;
  description: string;
  /** The state the action ends in, which `--wait` waits for; none for actions that change no state. */
  target?: string;
  /** Help of `--hard`, for actions with a `-hard` form. */
  hard?: string;
}

/** one.vm.action names that have a subcommand of the same name. */
const SHORTCUTS: readonly Shortcut[] = [
  { action: 'terminate', target: 'DONE', description: 'shut a VM down and remove it', hard: 'power the VM off at once instead of asking the guest to shut down' },
  { action: 'poweroff', target: 'POWEROFF', description: 'shut a VM down, keeping its disks and its host', hard: 'power the VM off at once instead of asking the guest' },
  { action: 'undeploy', target: 'UNDEPLOYED', description: 'shut a VM down and give its host back; its disks stay in the system datastore', hard: 'power the VM off at once instead of asking the guest' },
  { action: 'reboot', target: 'RUNNING', description: 'reboot the guest', hard: 'reset the VM at once instead of asking the guest to reboot' },
  { action: 'suspend', target: 'SUSPENDED', description: "save a RUNNING VM's memory and stop it, keeping its host" },
  { action: 'stop', target: 'STOPPED', description: "save a VM's memory and give its host back" },
  { action: 'resume', target: 'RUNNING', description: 'start a POWEROFF, SUSPENDED, STOPPED or UNDEPLOYED VM again' },
  { action: 'hold', target: 'HOLD', description: 'keep a PENDING VM in HOLD so the scheduler leaves it' },
  { action: 'release', target: 'PENDING', description: 'release a VM from HOLD back to PENDING' },
  { action: 'resched', description: 'ask the scheduler to move a RUNNING VM to another host' },
  { action: 'unresched', description: 'cancel a resched request' },
];

function targetOf(action: string): string | undefined {
  return SHORTCUTS.find((shortcut) => shortcut.action === action.replace(/-hard$/, ''))?.target;
}

function addActionCommands(vm: Command, ctx: CliContext): void {
  const generic = vm
    .command('action')
    .description('run any one.vm.action on a VM')
    .addArgument(new Argument('<action>', 'the action name').choices(VM_ACTIONS))
    .argument('<vm>', 'VM id or name');
  addWaitOptions(generic, 'in the state the action ends in').action(async (action: string, reference: string, options: WaitOptions, self: Command) => {
    const id = await resolveId(ctx, self, VM, reference);
    await sendAndWait(ctx, self, id, targetOf(action), options, () => ctx.call(self, 'one.vm.action', action, id));
  });

  for (const shortcut of SHORTCUTS) {
    const command = vm.command(`${shortcut.action} <vm>`).description(`${shortcut.description} (one.vm.action ${shortcut.action})`);
    if (shortcut.hard !== undefined) command.option('--hard', shortcut.hard);
    if (shortcut.target !== undefined) addWaitOptions(command, shortcut.target);

    command.action(async (reference: string, options: WaitOptions & { hard?: boolean }, self: Command) => {
      const id = await resolveId(ctx, self, VM, reference);
      const action = options.hard ? `${shortcut.action}-hard` : shortcut.action;
      await sendAndWait(ctx, self, id, shortcut.target, options, () => ctx.call(self, 'one.vm.action', action, id));
    });
  }
}

/** The options of `vm recover`, with the operation number each sends to one.vm.recover. */
const RECOVER_OPTIONS: ReadonlyArray<[option: string, key: string, operation: number, help: string]> = [
  ['--failure', 'failure', 0, "move a VM stuck in an operation step to that step's failure state"],
  ['--success', 'success', 1, 'go on as if the failed or stuck step had succeeded'],
  ['--retry', 'retry', 2, 'run the failed operation again from the failed step'],
  ['--delete', 'delete', 3, 'clean the host up (best effort) and end the VM (DONE)'],
  ['--recreate', 'recreate', 4, 'clean the host up and make the VM PENDING again, to be deployed anew'],
  ['--delete-db', 'deleteDb', 5, 'end the VM (DONE) without calling any driver; its files stay on the host'],
];

function addRecoverCommand(vm: Command, ctx: CliContext): void {
  const command = vm
    .command('recover <vm>')
    .description('settle a VM whose operation failed or is stuck (one.vm.recover); give exactly one option');
  for (const [option, , , help] of RECOVER_OPTIONS) command.option(option, help);

  command.action(async (reference: string, options: Record<string, boolean | undefined>, self: Command) => {
    const chosen = RECOVER_OPTIONS.filter(([, key]) => options[key] === true);
    if (chosen.length !== 1) {
      throw usageError(`give exactly one of ${RECOVER_OPTIONS.map(([option]) => option).join(', ')}`);
    }
    const id = await resolveId(ctx, self, VM, reference);
    await ctx.call(self, 'one.vm.recover', id, chosen[0][2]);
  });
}

function addDeployAndWaitCommands(vm: Command, ctx: CliContext): void {
  const deploy = vm.command('deploy <vm> <host>').description('place a PENDING or HOLD VM on a host and start it (one.vm.deploy)');
  addWaitOptions(deploy, 'RUNNING').action(async (reference: string, hostReference: string, options: WaitOptions, self: Command) => {
    const id = await resolveId(ctx, self, VM, reference);
    const hostId = await resolveId(ctx, self, HOST, hostReference);
    await sendAndWait(ctx, self, id, 'RUNNING', options, () => ctx.call(self, 'one.vm.deploy', id, hostId, false, -1));
  });

  vm.command('wait <vm>')
    .description('wait until a VM reaches a state, printing each state it passes (exit status 1 on failure, 2 on timeout)')
    .option('--state <state>', 'the state to wait for: a STATE or LCM_STATE name', parseStateName, 'RUNNING')
    .option('--timeout <seconds>', 'stop waiting after this many seconds (default: no limit)', parseSeconds)
    .action(async (reference: string, options: { state: string; timeout?: number }, self: Command) => {
      const id = await resolveId(ctx, self, VM, reference);
      const before = await readStatus(ctx, self, id);
      const status = await waitForVm(ctx, self, id, options.state, { timeoutSeconds: options.timeout, baselineError: before.error });
      if (ctx.format(self) === 'json') ctx.io.stdout(formatJson({ id, state: VmState[status.state], lcmState: LcmState[status.lcmState] }));
    });
}

/** Returns the path of the VM's serial console file on the front end: `<BASE_PATH of its system datastore>/<id>/serial.log`. */
async function serialLogPath(ctx: CliContext, command: Command, vmId: number): Promise<string> {
  const vm = parseRoot(await ctx.call<string>(command, 'one.vm.info', vmId, ...VM.infoArgs), 'VM');
  const history = asList(asObject(vm.HISTORY_RECORDS).HISTORY).at(-1);
  if (history === undefined) throw new CliError(`VM ${vmId} has never been deployed, so it has no serial console`);

  const datastoreId = Number(textAt(asObject(history), 'DS_ID'));
  const datastore = parseRoot(await ctx.call<string>(command, 'one.datastore.info', datastoreId, ...DATASTORE.infoArgs), 'DATASTORE');
  return path.join(textAt(datastore, 'BASE_PATH'), String(vmId), 'serial.log');
}

/**
 * Shows the control characters of guest output in caret notation (ESC as `^[`), so that
 * escape sequences the guest wrote, such as a cursor-position query, do not act on the
 * user's terminal. Line feeds, carriage returns and tabs stay.
 */
export function neutralizeControls(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (character) => {
    const code = character.charCodeAt(0);
    return code === 0x7f ? '^?' : `^${String.fromCharCode(code + 64)}`;
  });
}

function addConsoleCommand(vm: Command, ctx: CliContext): void {
  vm.command('console <vm>')
    .description("print a VM's serial console output; run it on the front end, where the VM folders are")
    .option('--raw', "print the guest's control characters and escape sequences as they are, instead of as ^[ and such")
    .action(async (reference: string, options: { raw?: boolean }, self: Command) => {
      const id = await resolveId(ctx, self, VM, reference);
      const file = await serialLogPath(ctx, self, id);

      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        throw new CliError(`cannot read the serial console of VM ${id} (${reason}); it is expected at ${file} on the front end`);
      }
      const output = options.raw ? text : neutralizeControls(text);
      if (output !== '') ctx.io.stdout(output.endsWith('\n') ? output : `${output}\n`);
    });
}

/** Gives `vm create` the `--wait` option; its action is the shared create action followed by the wait. */
function addCreateWait(create: Command, ctx: CliContext): void {
  addWaitOptions(create, 'RUNNING (HOLD with --hold)').action(
    async (file: string | undefined, options: TemplateOptions & WaitOptions & { hold?: boolean }, self: Command) => {
      const text = await readTemplateInput(ctx.io, file, options);
      const id = await ctx.call<number>(self, 'one.vm.allocate', text, options.hold === true);
      printId(ctx, self, id);
      if (options.wait) await waitForVm(ctx, self, id, options.hold ? 'HOLD' : 'RUNNING', { timeoutSeconds: options.timeout });
    },
  );
}

/**
 * Adds the life-cycle commands to `stratus vm`: the one.vm.action shortcuts, `action`,
 * `deploy`, `migrate`, `recover`, `wait` and `console`, and `--wait` on `create`.
 */
export function addVmLifecycleCommands(vm: Command, ctx: CliContext, create: Command): void {
  addActionCommands(vm, ctx);
  addDeployAndWaitCommands(vm, ctx);
  addMigrateCommand(vm, ctx);
  addRecoverCommand(vm, ctx);
  addConsoleCommand(vm, ctx);
  addCreateWait(create, ctx);
}
