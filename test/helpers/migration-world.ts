import type { LifecycleManager } from '../../core/lifecycle/lifecycle-manager.js';
import { Tokens } from '../../core/tokens.js';
import { startTestDaemon, type TestDaemon } from './daemon.js';
import { dummyDriverEnvironment } from './dummy-environment.js';
import { changeStored } from './objects.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A daemon with two dummy hosts that VMs can migrate between, and the dummy driver's control folder. */
export interface MigrationWorld {
  daemon: TestDaemon;
  lifecycle: LifecycleManager;
  home: string;
  control: string;
  /** `localhost` and `127.0.0.1`, names that the shared transfer driver takes as this machine. */
  hosts: [number, number];
}

/** Gives the host the room the monitor would report for a dummy host: 8 cores and 16 GiB. */
export async function giveRoom(daemon: TestDaemon, hostId: number): Promise<void> {
  await changeStored(daemon, 'hosts', hostId, (host) => {
    host.share.maxCpu = 800;
    host.share.maxMem = 16 * 1024 * 1024;
  });
}

/** Starts a daemon with the dummy driver and two hosts with room, `localhost` and `127.0.0.1`. */
export async function migrationWorld(t: Teardown): Promise<MigrationWorld> {
  const { home, control } = dummyDriverEnvironment(t);
  const daemon = await startTestDaemon(t, { home });
  const lifecycle: LifecycleManager = daemon.daemon.container.resolve(Tokens.Lifecycle);

  const first = await daemon.admin.call<number>('one.host.allocate', 'localhost', 'dummy', 'dummy', -1);
  const second = await daemon.admin.call<number>('one.host.allocate', '127.0.0.1', 'dummy', 'dummy', -1);
  await giveRoom(daemon, first);
  await giveRoom(daemon, second);
  return { daemon, lifecycle, home, control, hosts: [first, second] };
}
