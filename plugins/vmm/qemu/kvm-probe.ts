import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The files of the test guest that the probe boots, from its guest.json. */
export interface ProbeGuest {
  kernel: string;
  initrd: string;
  /** The guest's kernel command line without `root=`, so that it runs from the initramfs. */
  kernelArgs: string;
  /** The prefix of the serial line the guest prints when it has booted. */
  readyMarker: string;
}

/** The outcome of a probe: whether the guest booted under KVM, and what was seen. */
export interface ProbeResult {
  ok: boolean;
  detail: string;
}

const SERIAL_POLL_INTERVAL_MS = 100;
const MAX_STDERR_CHARS = 2000;

/** Reads guest.json in `dir` as scripts/build-test-guest writes it; throws when it is missing or incomplete. */
export async function readProbeGuest(dir: string): Promise<ProbeGuest> {
  const manifest = JSON.parse(await readFile(path.join(dir, 'guest.json'), 'utf8')) as {
    kernelCommandLine?: string;
    readyMarker?: string;
    files?: { kernel?: { name?: string }; initrd?: { name?: string } };
  };
  const kernel = manifest.files?.kernel?.name;
  const initrd = manifest.files?.initrd?.name;
  if (kernel === undefined || initrd === undefined || manifest.readyMarker === undefined || manifest.kernelCommandLine === undefined) {
    throw new Error(`${path.join(dir, 'guest.json')} lacks the kernel, initrd, readyMarker or kernelCommandLine; rebuild it with scripts/build-test-guest --force`);
  }
  return {
    kernel: path.join(dir, kernel),
    initrd: path.join(dir, initrd),
    kernelArgs: manifest.kernelCommandLine.replace(/\s*root=\S+/, ''),
    readyMarker: manifest.readyMarker,
  };
}

async function serialContains(file: string, marker: string): Promise<boolean> {
  const text = await readFile(file, 'latin1').catch(() => '');
  return text.includes(marker);
}

/**
 * Boots the test guest under `-accel kvm` and reports whether it printed its ready
 * marker within `timeoutMs`. A KVM that cannot run ordinary guests (such as the
 * kvm_pvm module) opens and creates VMs without error, and the guest then hangs
 * silently, so only a boot proves that KVM works. The probe VM has no disk and no
 * network, and is killed at the end whatever happened.
 */
export async function probeKvm(binary: string, guest: ProbeGuest, timeoutMs: number): Promise<ProbeResult> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'stratus-kvm-probe-'));
  const serialLog = path.join(workDir, 'serial.log');
  const args = [
    '-accel', 'kvm', '-M', 'pc', '-m', '256', '-nodefaults', '-no-user-config', '-display', 'none', '-monitor', 'none', '-no-reboot',
    '-kernel', guest.kernel, '-initrd', guest.initrd, '-append', guest.kernelArgs,
    '-serial', `file:${serialLog}`,
  ];

  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < MAX_STDERR_CHARS) stderr += chunk.toString();
  });
  let exit: string | undefined;
  child.on('error', (error) => (exit = `could not be started: ${error.message}`));
  child.on('exit', (code, signal) => (exit ??= `exited with ${signal ?? `code ${code}`}`));

  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await serialContains(serialLog, guest.readyMarker)) return { ok: true, detail: `the test guest printed ${guest.readyMarker} under -accel kvm` };
      if (exit !== undefined) return { ok: false, detail: `QEMU ${exit} before the guest was ready: ${stderr.trim() || 'no error output'}` };
      await sleep(SERIAL_POLL_INTERVAL_MS);
    }
    return { ok: false, detail: `the test guest printed no ${guest.readyMarker} within ${timeoutMs / 1000} s under -accel kvm` };
  } finally {
    if (exit === undefined) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    await rm(workDir, { recursive: true, force: true });
  }
}
