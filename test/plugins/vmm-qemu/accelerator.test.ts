// How the qemu driver chooses between TCG and KVM: the cheap signs, the probe boot,
// forced settings, and the command line the loaded driver starts QEMU with.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { applyHint, chooseAccelerator, findReasonForTcg, LOCAL_HOST_SIGNS, type HostSigns } from '../../../plugins/vmm/qemu/accelerator.js';
import { probeKvm, readProbeGuest, type ProbeResult } from '../../../plugins/vmm/qemu/kvm-probe.js';
import { buildGuest, loadQemuDriver, prepareVm, QEMU_PLUGIN_DIR, qemuArguments, requireQemu } from './support.js';

interface FakeHost {
  kvmDevice?: boolean;
  kvmPvm?: boolean;
  cpuFlags: string;
}

/** Writes a fake /dev/kvm, /sys/module and /proc/cpuinfo into a temporary folder. */
function fakeSigns(t: Test, host: FakeHost): HostSigns {
  const root = mkdtempSync(path.join(os.tmpdir(), 'stratus-kvm-signs-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));

  const signs = { kvmDevice: path.join(root, 'kvm'), sysModuleDir: path.join(root, 'module'), cpuinfoPath: path.join(root, 'cpuinfo') };
  if (host.kvmDevice !== false) writeFileSync(signs.kvmDevice, '');
  mkdirSync(path.join(signs.sysModuleDir, 'kvm'), { recursive: true });
  if (host.kvmPvm === true) mkdirSync(path.join(signs.sysModuleDir, 'kvm_pvm'));
  writeFileSync(signs.cpuinfoPath, `processor\t: 0\nflags\t\t: ${host.cpuFlags}\n\nprocessor\t: 1\nflags\t\t: ${host.cpuFlags}\n`);
  return signs;
}

/** A probe that records its calls and returns `result`. */
function probeReturning(result: ProbeResult | undefined): { probe: () => Promise<ProbeResult | undefined>; calls: () => number } {
  let calls = 0;
  return {
    probe: async () => {
      calls += 1;
      return result;
    },
    calls: () => calls,
  };
}

t.test('cheap signs choose TCG without a probe', async (t) => {
  const cases: [string, FakeHost, RegExp][] = [
    ['no KVM device', { kvmDevice: false, cpuFlags: 'fpu vmx sse2' }, /kvm does not exist/],
    ['kvm_pvm module', { kvmPvm: true, cpuFlags: 'fpu vmx sse2' }, /kvm_pvm exists/],
    ['no vmx or svm flag', { cpuFlags: 'fpu sse2 hypervisor' }, /neither vmx nor svm/],
  ];
  for (const [name, host, reason] of cases) {
    const { probe, calls } = probeReturning({ ok: true, detail: 'booted' });
    const choice = await chooseAccelerator('auto', fakeSigns(t, host), probe);
    t.equal(choice.accelerator, 'tcg', `${name}: TCG`);
    t.match(choice.reason, reason, `${name}: the reason names the sign`);
    t.equal(calls(), 0, `${name}: no probe`);
  }
});

t.test('probe decides when the signs allow KVM', async (t) => {
  const host: FakeHost = { cpuFlags: 'fpu svm sse2' };

  const passing = probeReturning({ ok: true, detail: 'the guest was ready' });
  const kvm = await chooseAccelerator('auto', fakeSigns(t, host), passing.probe);
  t.same([kvm.accelerator, kvm.probed, passing.calls()], ['kvm', true, 1], 'a probe that boots the guest chooses KVM');

  const failing = probeReturning({ ok: false, detail: 'no ready marker within 30 s' });
  const tcg = await chooseAccelerator('auto', fakeSigns(t, host), failing.probe);
  t.same([tcg.accelerator, tcg.probed], ['tcg', true], 'a probe that sees no ready marker chooses TCG');
  t.match(tcg.reason, /no ready marker/, 'the reason quotes the probe');

  const unavailable = probeReturning(undefined);
  const untested = await chooseAccelerator('auto', fakeSigns(t, host), unavailable.probe);
  t.same([untested.accelerator, untested.temporary], ['tcg', true], 'without a test guest TCG is chosen for now');
  t.match(untested.reason, /scripts\/build-test-guest/, 'the reason says how to get a test guest');
});

t.test('forced settings skip signs and probe', async (t) => {
  const signs = fakeSigns(t, { kvmPvm: true, cpuFlags: 'fpu' });
  const { probe, calls } = probeReturning({ ok: false, detail: 'unused' });

  t.equal((await chooseAccelerator('kvm', signs, probe)).accelerator, 'kvm', 'kvm is forced even where the signs rule it out');
  t.equal((await chooseAccelerator('tcg', signs, probe)).accelerator, 'tcg', 'tcg is forced');
  t.equal(calls(), 0, 'no probe runs for a forced setting');
});

t.test('deployment hint', async (t) => {
  const kvmHost = { accelerator: 'kvm' as const, reason: 'probe passed', probed: true };
  const tcgHost = { accelerator: 'tcg' as const, reason: 'kvm_pvm exists', probed: false };

  t.same(applyHint(kvmHost, 'tcg'), { accelerator: 'tcg' }, 'tcg is honoured on a KVM host');
  t.same(applyHint(kvmHost, undefined), { accelerator: 'kvm' }, 'no hint takes the host choice');
  t.same(applyHint(kvmHost, 'kvm'), { accelerator: 'kvm' }, 'kvm is honoured on a KVM host');
  const fallback = applyHint(tcgHost, 'kvm');
  t.equal(fallback.accelerator, 'tcg', 'kvm falls back to TCG on a TCG host');
  t.match(fallback.warning, /asks for kvm, but this host uses tcg/, 'the fallback comes with a warning');
});

t.test('this machine gets TCG from the cheap signs', async (t) => {
  const reason = await findReasonForTcg(LOCAL_HOST_SIGNS);
  if (reason === undefined) {
    t.plan(0, 'this machine shows none of the signs against KVM, so only a probe can decide');
    return;
  }
  const { probe, calls } = probeReturning({ ok: true, detail: 'unused' });
  const choice = await chooseAccelerator('auto', LOCAL_HOST_SIGNS, probe);
  t.equal(choice.accelerator, 'tcg', 'auto chooses TCG here');
  t.equal(calls(), 0, 'without a probe boot');
  t.comment(choice.reason);
});

t.test('KVM probe fails on a kvm_pvm host', async (t) => {
  if (!existsSync('/sys/module/kvm_pvm') || !existsSync('/dev/kvm')) {
    t.plan(0, 'this machine has no kvm_pvm module, where the probe is known to fail');
    return;
  }
  if (!(await requireQemu(t))) return;
  const guest = await buildGuest();

  // A short timeout keeps the test short. A hung guest shows no marker, however long the wait.
  const result = await probeKvm('qemu-system-x86_64', await readProbeGuest(guest.dir), 15_000);
  t.equal(result.ok, false, 'the guest does not get ready under this KVM');
  t.match(result.detail, /printed no STRATUS-GUEST-READY within 15 s under -accel kvm/, 'the detail says what was missing');
});

t.test('loaded driver with auto on this machine', async (t) => {
  if ((await findReasonForTcg(LOCAL_HOST_SIGNS)) === undefined) {
    t.plan(0, 'this machine shows none of the signs against KVM, so the driver would probe it');
    return;
  }
  if (!(await requireQemu(t))) return;
  const guest = await buildGuest();
  const driver = await loadQemuDriver(t, { STRATUS_QEMU_ACCEL: 'auto' });
  const vm = await prepareVm(t, guest);

  await driver.call('DEPLOY', vm.deployRequest);
  const args = qemuArguments(vm.deployId);
  t.equal(args[args.indexOf('-accel') + 1], 'tcg', 'QEMU runs with -accel tcg');
  t.ok(driver.log.driverTexts().some((text) => text.includes('TCG was chosen without a probe')), 'the daemon log says no probe ran');
  await driver.call('CANCEL', vm.ids);
});

t.test('forced settings reach the command line', async (t) => {
  if (!(await requireQemu(t))) return;
  const guest = await buildGuest();

  for (const accelerator of ['kvm', 'tcg']) {
    const driver = await loadQemuDriver(t, { STRATUS_QEMU_ACCEL: accelerator });
    const vm = await prepareVm(t, guest);

    // Under a forced kvm the guest may hang here; the test only checks how QEMU was started.
    await driver.call('DEPLOY', vm.deployRequest);
    const args = qemuArguments(vm.deployId);
    t.equal(args[args.indexOf('-accel') + 1], accelerator, `STRATUS_QEMU_ACCEL=${accelerator} starts QEMU with -accel ${accelerator}`);
    t.ok(driver.sink.textsOf(vm.vmId).includes(`accelerator ${accelerator} (STRATUS_QEMU_ACCEL forces ${accelerator})`), 'the VM log says the setting forced it');
    await driver.call('CANCEL', vm.ids);
  }
});

t.test('invalid STRATUS_QEMU_ACCEL rejects the plugin', async (t) => {
  const driver = await loadQemuDriver(t, { STRATUS_QEMU_ACCEL: 'fast' });
  const status = driver.registry.status(QEMU_PLUGIN_DIR);
  if (status?.state !== 'rejected') {
    t.fail(`the plugin should be rejected, but it is ${status?.state ?? 'missing'}`);
    return;
  }
  t.equal(status.code, 'INIT_FAILED', 'the plugin is rejected because the factory threw');
  t.match(status.reason, 'STRATUS_QEMU_ACCEL="fast" is invalid: set it to tcg, kvm or auto', 'the reason names the setting and its values');
});
