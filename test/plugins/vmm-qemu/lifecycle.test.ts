// The whole life of one VM through the qemu driver, loaded from the compiled plugin
// folder by the daemon's plugin registry: DEPLOY, POLL, SUSPEND, RESUME, SAVE,
// RESTORE, MIGRATE (live, twice) and SHUTDOWN of the real test guest under QEMU.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { buildGuest, findQemuPid, loadQemuDriver, markerLines, prepareVm, QEMU_PLUGIN_DIR, qemuArguments, requireQemu, uptimeOf, waitForMarker } from './support.js';

t.test('VM life cycle from DEPLOY to SHUTDOWN', async (t) => {
  if (!(await requireQemu(t))) return;
  const guest = await buildGuest();
  const driver = await loadQemuDriver(t);
  t.equal(driver.registry.status(QEMU_PLUGIN_DIR)?.state, 'loaded', 'the registry loads dist/plugins/vmm/qemu');

  const vm = await prepareVm(t, guest);
  const { markers } = guest;

  const deployStarted = Date.now();
  const deployed = await driver.call('DEPLOY', vm.deployRequest);
  t.equal(deployed.deployId, vm.deployId, 'DEPLOY returns stratus-<vmId>');
  const args = qemuArguments(vm.deployId);
  t.equal(args[args.indexOf('-accel') + 1], 'tcg', 'QEMU runs with -accel tcg on this machine');
  t.ok(args.includes('-no-shutdown'), 'QEMU runs with -no-shutdown');
  t.ok(driver.sink.textsOf(vm.vmId).some((text) => text.startsWith('accelerator tcg')), 'the VM log names the accelerator');

  const ready = await waitForMarker(vm, markers.ready);
  t.comment(`the guest was ready ${((Date.now() - deployStarted) / 1000).toFixed(1)} s after DEPLOY`);
  t.ok(existsSync(path.join(vm.vmDir, 'qmp.sock')), 'the QMP socket is in the VM folder');

  const running = await driver.call('POLL', vm.ids);
  t.equal(running.state, 'RUNNING', 'POLL reports RUNNING after the boot');
  t.type(running.cpu, 'number', 'POLL reports CPU use');
  t.ok((running.memoryKb as number) > 10_000, 'POLL reports the resident memory in KiB');

  await driver.call('SUSPEND', vm.ids);
  t.equal((await driver.call('POLL', vm.ids)).state, 'PAUSED', 'POLL reports PAUSED after SUSPEND');

  await driver.call('RESUME', vm.ids);
  t.equal((await driver.call('POLL', vm.ids)).state, 'RUNNING', 'POLL reports RUNNING after RESUME');

  const checkpointFile = path.join(vm.vmDir, "check point's file");
  const saveStarted = Date.now();
  await driver.call('SAVE', { ...vm.ids, checkpointFile });
  t.comment(`SAVE took ${((Date.now() - saveStarted) / 1000).toFixed(1)} s`);
  t.ok(statSync(checkpointFile).size > 1024 * 1024, 'SAVE writes the memory state to a path with a space and a quote');
  t.equal(findQemuPid(vm.deployId), undefined, 'QEMU has exited after SAVE');
  t.equal((await driver.call('POLL', vm.ids)).state, 'UNKNOWN', 'POLL reports UNKNOWN while the VM is saved');

  const restoreStarted = Date.now();
  const restored = await driver.call('RESTORE', { vmId: vm.vmId, host: vm.host, vmDir: vm.vmDir, deploymentFile: vm.deploymentFile, checkpointFile });
  t.comment(`RESTORE took ${((Date.now() - restoreStarted) / 1000).toFixed(1)} s`);
  t.equal(restored.deployId, vm.deployId, 'RESTORE returns the same deployId');
  t.equal((await driver.call('POLL', vm.ids)).state, 'RUNNING', 'POLL reports RUNNING after RESTORE');

  const migrateRequest = { ...vm.ids, targetHost: vm.host, vmDir: vm.vmDir, deploymentFile: vm.deploymentFile };
  for (const socket of ['qmp.alt.sock', 'qmp.sock']) {
    const before = findQemuPid(vm.deployId);
    const migrateStarted = Date.now();
    const migrated = await driver.call('MIGRATE', migrateRequest);
    t.comment(`MIGRATE took ${((Date.now() - migrateStarted) / 1000).toFixed(1)} s`);
    t.equal(migrated.deployId, vm.deployId, 'MIGRATE returns the same deployId');
    t.not(findQemuPid(vm.deployId), before, 'MIGRATE: a new QEMU runs the guest and the old one has exited');
    t.ok(qemuArguments(vm.deployId).some((arg) => arg.includes(socket)), `MIGRATE: the new QEMU uses ${socket}`);
    t.equal((await driver.call('POLL', vm.ids)).state, 'RUNNING', 'POLL reports RUNNING after MIGRATE');
  }

  const shutdownStarted = Date.now();
  await driver.call('SHUTDOWN', { ...vm.ids, timeoutSeconds: 60 });
  t.comment(`SHUTDOWN took ${((Date.now() - shutdownStarted) / 1000).toFixed(1)} s`);
  t.equal(findQemuPid(vm.deployId), undefined, 'QEMU has exited after SHUTDOWN');
  t.equal((await driver.call('POLL', vm.ids)).state, 'UNKNOWN', 'POLL reports UNKNOWN after SHUTDOWN');

  t.equal(markerLines(vm.serialLog, markers.acpiPowerOff).length, 1, 'the guest saw the ACPI power button');
  const shutdownLines = markerLines(vm.serialLog, markers.shutdown);
  t.equal(shutdownLines.length, 1, 'the guest ran its shutdown steps');
  t.equal(markerLines(vm.serialLog, markers.booted).length, 1, 'the guest booted once: RESTORE and MIGRATE resumed it instead of booting it again');
  t.ok(uptimeOf(shutdownLines[0] ?? '') > uptimeOf(ready), 'the guest uptime went on from before the save');
  t.ok(driver.sink.textsOf(vm.vmId).includes('the guest powered off'), 'the VM log says the guest powered off');
  for (const text of driver.sink.textsOf(vm.vmId)) t.comment(`VM log: ${text.slice(0, 200)}`);
});
