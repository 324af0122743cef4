import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Accelerator } from './command-line.js';
import type { AcceleratorSetting } from './config.js';
import type { Deployment } from './deployment.js';
import type { ProbeResult } from './kvm-probe.js';

/** The accelerator chosen for a host, and why. */
export interface AcceleratorChoice {
  accelerator: Accelerator;
  /** A sentence for the logs, such as "/sys/module/kvm_pvm exists: ...". */
  reason: string;
  /** True when a probe boot decided. */
  probed: boolean;
  /** True when no probe could run, so the choice should be made again next time. */
  temporary?: boolean;
}

/** Paths of the files that show whether a host's KVM can work. Tests point them at fake files. */
export interface HostSigns {
  kvmDevice: string;
  sysModuleDir: string;
  cpuinfoPath: string;
}

export const LOCAL_HOST_SIGNS: HostSigns = { kvmDevice: '/dev/kvm', sysModuleDir: '/sys/module', cpuinfoPath: '/proc/cpuinfo' };

/** Boots a guest under KVM; undefined when no probe can run (no probe guest). */
export type KvmProbe = () => Promise<ProbeResult | undefined>;

/** How long the probe waits for the guest's ready marker, in milliseconds. */
export const KVM_PROBE_TIMEOUT_MS = 30_000;

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/**
 * Checks the signs that rule KVM out without a probe, and returns the reason to use
 * TCG, or undefined when only a probe can tell.
 */
export async function findReasonForTcg(signs: HostSigns): Promise<string | undefined> {
  if (!(await exists(signs.kvmDevice))) return `${signs.kvmDevice} does not exist`;

  const pvmModule = path.join(signs.sysModuleDir, 'kvm_pvm');
  if (await exists(pvmModule)) return `${pvmModule} exists: this KVM (Pagetable-based VM) runs only kernels built as PVM guests`;

  const cpuinfo = await readFile(signs.cpuinfoPath, 'utf8').catch(() => '');
  const hasVirtualization = cpuinfo.split('\n').some((line) => /^flags\s*:/.test(line) && /\b(vmx|svm)\b/.test(line));
  if (!hasVirtualization) return `${signs.cpuinfoPath} lists neither vmx nor svm among the CPU flags`;
  return undefined;
}

/**
 * Chooses the accelerator for `setting`. A forced setting wins. For `auto`, the
 * cheap signs choose TCG at once; otherwise KVM is used only when the probe boots
 * the test guest under it.
 */
export async function chooseAccelerator(setting: AcceleratorSetting, signs: HostSigns, probe: KvmProbe): Promise<AcceleratorChoice> {
  if (setting !== 'auto') return { accelerator: setting, reason: `STRATUS_QEMU_ACCEL forces ${setting}`, probed: false };

  const reasonForTcg = await findReasonForTcg(signs);
  if (reasonForTcg !== undefined) return { accelerator: 'tcg', reason: `${reasonForTcg}, so TCG was chosen without a probe`, probed: false };

  const result = await probe();
  if (result === undefined) {
    const reason = 'KVM could not be probed because no test guest was found (build it with scripts/build-test-guest, or set STRATUS_GUEST_DIR), so TCG was chosen';
    return { accelerator: 'tcg', reason, probed: false, temporary: true };
  }
  if (result.ok) return { accelerator: 'kvm', reason: `the KVM probe succeeded: ${result.detail}`, probed: true };
  return { accelerator: 'tcg', reason: `the KVM probe failed, so TCG was chosen: ${result.detail}`, probed: true };
}

/**
 * Applies a VM's accelerator hint to the host's choice. `tcg` is always possible;
 * `kvm` on a host without working KVM falls back to TCG, because a guest under a
 * broken KVM hangs.
 */
export function applyHint(choice: AcceleratorChoice, hint: Deployment['accelerator']): { accelerator: Accelerator; warning?: string } {
  if (hint === 'tcg') return { accelerator: 'tcg' };
  if (hint === 'kvm' && choice.accelerator !== 'kvm') {
    return { accelerator: 'tcg', warning: `the deployment asks for kvm, but this host uses tcg (${choice.reason}); starting with tcg` };
  }
  return { accelerator: choice.accelerator };
}

/**
 * Results of `auto` choices per host and binary, kept for the life of the daemon
 * process: a plugin reload imports driver.js afresh but not this module. A probe
 * that could not run is not kept, so that building the test guest later counts.
 */
const cachedChoices = new Map<string, Promise<AcceleratorChoice>>();

/** Chooses once per host and binary for `auto`, and at once for a forced setting. */
export function chooseAcceleratorForHost(host: string, binary: string, setting: AcceleratorSetting, signs: HostSigns, probe: KvmProbe): Promise<AcceleratorChoice> {
  if (setting !== 'auto') return chooseAccelerator(setting, signs, probe);

  const key = `${host}\n${binary}`;
  const cached = cachedChoices.get(key);
  if (cached !== undefined) return cached;

  const choosing = chooseAccelerator(setting, signs, probe);
  cachedChoices.set(key, choosing);
  choosing.then(
    (choice) => {
      if (choice.temporary === true) cachedChoices.delete(key);
    },
    () => cachedChoices.delete(key),
  );
  return choosing;
}
