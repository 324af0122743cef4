// CANCEL, REBOOT, RESET, MONITOR_HOST and a guest that powers itself off, with real
// QEMU processes booting the test guest.
import os from 'node:os';
import t from 'tap';
import { buildGuest, findQemuPid, loadQemuDriver, markerLines, prepareVm, requireQemu, waitForMarker } from './support.js';

t.test('CANCEL stops a running VM at once', async (t) => {
  if (!(await requireQemu(t))) return;
  const guest = await buildGuest();
  const driver = await loadQemuDriver(t);
  const vm = await prepareVm(t, guest);

  await driver.call('DEPLOY', vm.deployRequest);
  await waitForMarker(vm, guest.markers.ready);

  const host = await driver.call('MONITOR_HOST', { host: vm.host });
  t.equal(host.hypervisor, 'qemu', 'MONITOR_HOST names the hypervisor');
  t.equal(host.totalCpu, os.cpus().length * 100, 'MONITOR_HOST counts 100 per logical CPU');
  t.ok((host.totalMemoryKb as number) > (host.usedMemoryKb as number), 'MONITOR_HOST reports the memory in use below the total');
  t.ok((host.deployIds as string[]).includes(vm.deployId), 'MONITOR_HOST lists the running VM');

  await driver.call('CANCEL', vm.ids);
  t.equal(findQemuPid(vm.deployId), undefined, 'QEMU has exited after CANCEL');
  t.equal((await driver.call('POLL', vm.ids)).state, 'UNKNOWN', 'POLL reports UNKNOWN after CANCEL');
  t.equal(markerLines(vm.serialLog, guest.markers.acpiPowerOff).length, 0, 'the guest was not asked to power off');

  const after = await driver.call('MONITOR_HOST', { host: vm.host });
  t.notOk((after.deployIds as string[]).includes(vm.deployId), 'MONITOR_HOST no longer lists the VM');

  await driver.call('CANCEL', vm.ids);
  t.ok(driver.sink.textsOf(vm.vmId).some((text) => text.includes('nothing to cancel')), 'a second CANCEL succeeds and says that nothing ran');
});

t.test('REBOOT and RESET boot the guest again', async (t) => {
  if (!(await requireQemu(t))) return;
  const guest = await buildGuest();
  const driver = await loadQemuDriver(t);
  const vm = await prepareVm(t, guest);

  await driver.call('DEPLOY', vm.deployRequest);
  await waitForMarker(vm, guest.markers.ready);

  // The test guest maps Ctrl+Alt+Delete to poweroff, so REBOOT gets a SHUTDOWN event and resets the VM.
  await driver.call('REBOOT', vm.ids);
  await waitForMarker(vm, guest.markers.ready, 2);
  t.equal(markerLines(vm.serialLog, guest.markers.shutdown).length, 1, 'the guest shut down cleanly before the reboot');
  t.equal((await driver.call('POLL', vm.ids)).state, 'RUNNING', 'POLL reports RUNNING after REBOOT');
  t.ok(driver.sink.textsOf(vm.vmId).some((text) => text.startsWith('the guest powered off instead of rebooting')), 'the VM log explains the reset');

  await driver.call('RESET', vm.ids);
  await waitForMarker(vm, guest.markers.ready, 3);
  t.equal(markerLines(vm.serialLog, guest.markers.shutdown).length, 1, 'RESET does not ask the guest');
  t.equal(markerLines(vm.serialLog, guest.markers.booted).length, 3, 'the guest booted three times in all');

  await driver.call('SUSPEND', vm.ids);
  await driver.call('RESET', vm.ids);
  t.equal((await driver.call('POLL', vm.ids)).state, 'PAUSED', 'RESET keeps a suspended VM paused');
  await driver.call('RESUME', vm.ids);
  await waitForMarker(vm, guest.markers.ready, 4);
  t.pass('RESUME boots the reset VM');

  await driver.call('CANCEL', vm.ids);
});

t.test('guest that powers itself off', async (t) => {
  if (!(await requireQemu(t))) return;
  const guest = await buildGuest();
  const driver = await loadQemuDriver(t);
  // The kernel runs `poweroff -f` as its first process, which powers the VM off at once.
  const kernelArgs = 'console=ttyS0 quiet panic=-1 rdinit=/sbin/poweroff -- -f';
  const vm = await prepareVm(t, guest, { withoutDisk: true, deployment: { kernelArgs, memoryMb: 128 } });

  await driver.call('DEPLOY', vm.deployRequest);
  let state = '';
  const deadline = Date.now() + 90_000;
  while (state !== 'POWEROFF' && Date.now() < deadline) {
    state = String((await driver.call('POLL', vm.ids)).state);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  t.equal(state, 'POWEROFF', 'POLL reports POWEROFF while QEMU waits after the guest powered off');
  t.ok(findQemuPid(vm.deployId) !== undefined, 'QEMU stays alive because of -no-shutdown');

  await t.rejects(driver.call('RESUME', vm.ids), /powered itself off; RESET or REBOOT starts it again/, 'RESUME says how to start a powered-off guest');
  await t.rejects(driver.call('SAVE', { ...vm.ids, checkpointFile: `${vm.vmDir}/checkpoint` }), /has powered off, so there is no state to save/, 'SAVE rejects a powered-off guest');

  await driver.call('SHUTDOWN', { ...vm.ids, timeoutSeconds: 30 });
  t.equal(findQemuPid(vm.deployId), undefined, 'SHUTDOWN ends QEMU without waiting for the guest');
  t.equal((await driver.call('POLL', vm.ids)).state, 'UNKNOWN', 'POLL reports UNKNOWN after SHUTDOWN');
});
