import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { vmIdOf } from './command-line.js';

/** A QEMU process of this driver, found by its `-name stratus-<vmId>` argument. */
export interface QemuProcess {
  pid: number;
  deployId: string;
  vmId: number;
  /** The path from `-qmp unix:PATH,...`, or undefined when QMP listens elsewhere. */
  qmpSocket: string | undefined;
}

const EXIT_POLL_INTERVAL_MS = 100;

/** Reads a process's arguments, or undefined when it has exited or cannot be read. */
async function readArguments(pid: number): Promise<string[] | undefined> {
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    // A zombie has an empty command line; it no longer runs the VM.
    if (raw === '') return undefined;
    return raw.replace(/\0$/, '').split('\0');
  } catch {
    return undefined;
  }
}

function valueAfter(args: string[], option: string): string | undefined {
  const index = args.indexOf(option);
  return index >= 0 ? args[index + 1] : undefined;
}

/** Reads the first value of a QEMU option list, where `,,` stands for a comma. */
function firstOptionValue(list: string): string {
  let value = '';
  for (let index = 0; index < list.length; index += 1) {
    const character = list[index];
    if (character !== ',') {
      value += character;
    } else if (list[index + 1] === ',') {
      value += ',';
      index += 1;
    } else {
      break;
    }
  }
  return value;
}

/** Turns a command line into a QemuProcess when it is one of this driver's VMs. */
export function describeQemuProcess(pid: number, args: string[]): QemuProcess | undefined {
  const name = valueAfter(args, '-name');
  if (name === undefined) return undefined;

  const deployId = firstOptionValue(name).replace(/^guest=/, '');
  const vmId = vmIdOf(deployId);
  if (vmId === undefined) return undefined;

  // Every VM this driver starts has a QMP socket; this keeps out other programs that happen to pass -name.
  const qmp = valueAfter(args, '-qmp');
  if (qmp === undefined) return undefined;
  const qmpSocket = qmp.startsWith('unix:') ? firstOptionValue(qmp.slice('unix:'.length)) : undefined;
  return { pid, deployId, vmId, qmpSocket };
}

/** Lists the running QEMU processes of this driver on this machine, by scanning /proc. */
export async function listQemuProcesses(): Promise<QemuProcess[]> {
  const entries = await readdir('/proc');
  const pids = entries.filter((entry) => /^\d+$/.test(entry)).map(Number);

  const found = await Promise.all(
    pids.map(async (pid) => {
      const args = await readArguments(pid);
      return args === undefined ? undefined : describeQemuProcess(pid, args);
    }),
  );
  return found.filter((qemu): qemu is QemuProcess => qemu !== undefined);
}

/** Finds the QEMU process that runs `deployId`, or undefined when none does. */
export async function findQemuProcess(deployId: string): Promise<QemuProcess | undefined> {
  const processes = await listQemuProcesses();
  return processes.find((qemu) => qemu.deployId === deployId);
}

/** Finds this driver's QEMU process with the given pid, or undefined when that pid runs something else or nothing. */
export async function findQemuByPid(pid: number): Promise<QemuProcess | undefined> {
  const args = await readArguments(pid);
  return args === undefined ? undefined : describeQemuProcess(pid, args);
}

/** Returns whether `pid` is still the QEMU process of `deployId`: running, not a zombie, and not a reused pid. */
export async function isStillRunning(qemu: QemuProcess): Promise<boolean> {
  const args = await readArguments(qemu.pid);
  return args !== undefined && describeQemuProcess(qemu.pid, args)?.deployId === qemu.deployId;
}

/** Waits until the process has exited (or become a zombie); returns false when it still runs after `timeoutMs`. */
export async function waitForExit(qemu: QemuProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isStillRunning(qemu)) {
    if (Date.now() >= deadline) return false;
    await sleep(EXIT_POLL_INTERVAL_MS);
  }
  return true;
}

/** Sends SIGKILL to the process, after checking that its pid still belongs to the VM. */
export async function killQemuProcess(qemu: QemuProcess): Promise<void> {
  if (!(await isStillRunning(qemu))) return;
  try {
    process.kill(qemu.pid, 'SIGKILL');
  } catch (error) {
    // ESRCH: the process exited between the check and the signal, which is the goal.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
