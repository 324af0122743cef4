import { setTimeout as sleep } from 'node:timers/promises';
import { isStillRunning, type QemuProcess } from './process-table.js';
import { QmpClient, QmpConnectionError } from './qmp-client.js';

/** Writes a line to a VM's log. */
export type VmLog = (vmId: number, text: string) => void;

/** How long a connection may take, retries included, in milliseconds. */
const CONNECT_TIMEOUT_MS = 20_000;
const CONNECT_RETRY_MS = 200;

/**
 * Keeps one QMP connection per VM, keyed by deployId, and opens a new one when the
 * last one has closed: after QEMU restarted, after a daemon restart, or after a
 * network error. Callers share a connection that is still being opened.
 */
export class QmpConnections {
  private readonly clients = new Map<string, { pid: number; client: Promise<QmpClient> }>();

  constructor(private readonly log: VmLog) {}

  /** Returns the open connection to the VM's QEMU, connecting first when there is none. */
  async get(qemu: QemuProcess): Promise<QmpClient> {
    const existing = this.clients.get(qemu.deployId);
    if (existing !== undefined) {
      const client = await existing.client.catch(() => undefined);
      // A new pid means a new QEMU for the same VM (after SAVE and RESTORE, for example),
      // even when the old connection has not seen its close yet.
      if (client !== undefined && !client.closed && existing.pid === qemu.pid) return client;
      if (this.clients.get(qemu.deployId) === existing) this.drop(qemu.deployId);
      if (client !== undefined && existing.pid === qemu.pid) this.log(qemu.vmId, `the QMP connection to ${qemu.deployId} was closed; reconnecting`);
    }

    const entry = { pid: qemu.pid, client: this.connect(qemu) };
    this.clients.set(qemu.deployId, entry);
    entry.client.catch(() => {
      if (this.clients.get(qemu.deployId) === entry) this.clients.delete(qemu.deployId);
    });
    return entry.client;
  }

  /** Closes the VM's connection, if any, so that the next `get` opens a new one. */
  drop(deployId: string): void {
    const existing = this.clients.get(deployId);
    this.clients.delete(deployId);
    void existing?.client.then((client) => client.close()).catch(() => undefined);
  }

  /** Closes every connection; the VMs keep running. */
  closeAll(): void {
    for (const deployId of [...this.clients.keys()]) this.drop(deployId);
  }

  /**
   * Connects to the VM's socket, retrying while QEMU runs but its socket is missing
   * or refuses connections, which happens for a moment after QEMU starts.
   */
  private async connect(qemu: QemuProcess): Promise<QmpClient> {
    const socketPath = qemu.qmpSocket;
    if (socketPath === undefined) {
      throw new Error(`VM ${qemu.vmId} (${qemu.deployId}, pid ${qemu.pid}) has no QMP UNIX socket on its command line, so this driver cannot control it; stop it by its pid`);
    }

    const deadline = Date.now() + CONNECT_TIMEOUT_MS;
    for (;;) {
      try {
        return await QmpClient.connect(socketPath, Math.max(deadline - Date.now(), 1000));
      } catch (error) {
        const code = error instanceof QmpConnectionError ? (error.cause as NodeJS.ErrnoException | undefined)?.code : undefined;
        const retryable = (code === 'ENOENT' || code === 'ECONNREFUSED') && (await isStillRunning(qemu));
        if (!retryable || Date.now() + CONNECT_RETRY_MS >= deadline) {
          throw new Error(`cannot reach the QMP monitor of VM ${qemu.vmId} (${qemu.deployId}, pid ${qemu.pid}): ${(error as Error).message}`, { cause: error });
        }
        await sleep(CONNECT_RETRY_MS);
      }
    }
  }
}
