import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OneClient } from '../../rpc/client/client.js';
import { checkNoDemoRunning, startDaemon, stopDaemon } from './daemon-process.js';
import { buildTestGuest, onPath, QEMU_INSTALL, type TestGuest } from './environment.js';
import { waitForConsoleLine, waitForImage, waitForVm } from './wait.js';

/**
 * The main job end to end: starts stratusd on embedded defaults, registers this
 * machine as a host, registers the project's test guest, instantiates a template,
 * waits for RUNNING, prints the guest's console line, shows the VM with the CLI,
 * then terminates it and stops the daemon (or, with --keep, leaves it all running).
 * Without QEMU it runs the same flow on the dummy driver.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const print = (line: string) => process.stdout.write(`${line}\n`);

function runCli(args: string[], env: NodeJS.ProcessEnv): void {
  print(`$ stratus ${args.join(' ')}`);
  spawnSync(process.execPath, [path.join(ROOT, 'bin', 'stratus.js'), ...args], { stdio: 'inherit', env: { ...process.env, ...env } });
}

function templateText(imageId: number, guest: TestGuest | undefined): string {
  const lines = ['NAME = "demo-guest"', 'CPU = "0.5"', 'VCPU = "1"', 'MEMORY = "256"', `DISK = [ IMAGE_ID = "${imageId}" ]`];
  if (guest) {
    lines.push(`OS = [ KERNEL = "${guest.kernel}", INITRD = "${guest.initrd}", KERNEL_CMD = "console=ttyS0 quiet panic=-1", ROOT = "vda" ]`);
  }
  lines.push('CONTEXT = [ HOSTNAME = "demo-vm", TOKEN = "YES" ]');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const keep = process.argv.includes('--keep');
  const qemu = onPath('qemu-system-x86_64') && onPath('qemu-img') && onPath('genisoimage');
  if (!qemu) {
    print(`QEMU is not installed, so no real VM can boot. Install it with:\n  ${QEMU_INSTALL}`);
    print('Running the same flow on the dummy driver instead (DUMMY: nothing boots).\n');
  }

  const guest = qemu ? buildTestGuest(ROOT) : undefined;
  const driver = qemu ? 'qemu' : 'dummy';
  const home = path.join(ROOT, 'var', 'demo');
  checkNoDemoRunning(home);
  rmSync(home, { recursive: true, force: true });

  const daemon = await startDaemon(ROOT, home, guest ? { STRATUS_IMAGE_PATH_ALLOW: guest.dir } : {}, keep);
  print(`stratusd is running at ${daemon.url} (home ${home})`);
  const session = readFileSync(path.join(home, 'one_auth'), 'utf8').trim();
  const client = new OneClient({ endpoint: daemon.url, session });
  const cliEnv = { ONE_AUTH: path.join(home, 'one_auth'), ONE_XMLRPC: daemon.url };

  try {
    const hostId = await client.call<number>('one.host.allocate', 'localhost', driver, driver, -1);
    print(`host ${hostId}: this machine, with the ${driver} driver`);

    const imageTemplate = guest
      ? `NAME = "test-guest"\nPATH = "${guest.disk}"\nTYPE = "OS"`
      : 'NAME = "empty-disk"\nTYPE = "DATABLOCK"\nSIZE = "16"\nFORMAT = "raw"';
    const imageId = await client.call<number>('one.image.allocate', imageTemplate, 1);
    await waitForImage(client, imageId, 120_000);
    print(`image ${imageId}: ${guest ? "the project's test guest" : 'an empty 16 MiB disk'}, READY`);

    const templateId = await client.call<number>('one.template.allocate', templateText(imageId, guest));
    // On hold, so that the scheduler leaves the VM to the one.vm.deploy below.
    const vmId = await client.call<number>('one.template.instantiate', templateId, 'demo-vm', true, '');
    print(`VM ${vmId}: instantiated from template ${templateId}`);

    await client.call('one.vm.deploy', vmId, hostId, false, -1);
    await waitForVm(client, vmId, 'ACTIVE/RUNNING', 180_000, print);

    if (guest) {
      const serial = path.join(home, 'datastores', '0', String(vmId), 'serial.log');
      print(`guest console: ${await waitForConsoleLine(serial, guest.readyMarker, 120_000)}`);
    }

    runCli(['vm', 'list'], cliEnv);
    runCli(['vm', 'show', String(vmId)], cliEnv);

    if (keep) {
      print(`\nLeft running (--keep); the daemon's output goes to ${daemon.outputFile}. Explore with:`);
      print(`  export ONE_AUTH=${cliEnv.ONE_AUTH} ONE_XMLRPC=${cliEnv.ONE_XMLRPC}\n  node bin/stratus.js vm list`);
      print(`Stop it by terminating the VM first, so that its QEMU does not outlive the daemon:`);
      print(`  node bin/stratus.js vm terminate demo-vm --wait && kill ${daemon.child.pid}`);
      daemon.child.unref();
      return;
    }

    await client.call('one.vm.action', 'terminate', vmId);
    await waitForVm(client, vmId, 'DONE', 120_000, print);
  } finally {
    if (!keep) {
      await stopDaemon(daemon);
      print('stratusd stopped');
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
