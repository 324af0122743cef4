import type { HostRecord } from '../pools/records/host-record.js';
import type { VmRecord } from '../pools/records/vm-record.js';
import type { VmLog } from '../vm-log/vm-log.js';
import type { MonitorServices } from './host-monitoring.js';
import { applyPoll, positionName, stillAsPolled, type PollMove, type PollReport } from './vm-polling.js';

/**
 * POLL replies stored by one transaction. Storing them together saves a commit, a read
 * and a write statement per VM, and a round polls every running VM.
 */
const BATCH_SIZE = 200;

interface Reply {
  /** The VM as it was read for the POLL. */
  vm: VmRecord;
  host: HostRecord;
  report: PollReport;
}

/**
 * Collects the POLL replies of one round and stores them BATCH_SIZE at a time, each
 * batch in one transaction. A VM that changed since its POLL was sent is left as it
 * is, because the reply may be about its earlier state. Moves are written to the VM's
 * log and the daemon log after the commit.
 */
export class PollBatch {
  private replies: Reply[] = [];
  private readonly stores: Array<Promise<void>> = [];

  constructor(private readonly services: MonitorServices & { vmLog: VmLog }) {}

  add(reply: Reply): void {
    this.replies.push(reply);
    if (this.replies.length >= BATCH_SIZE) this.store();
  }

  /** Stores the replies still collected and waits for every batch of the round. Never rejects. */
  async finish(): Promise<void> {
    if (this.replies.length > 0) this.store();
    await Promise.all(this.stores);
  }

  private store(): void {
    const batch = this.replies;
    this.replies = [];
    this.stores.push(this.storeBatch(batch));
  }

  /** Stores one batch in one transaction and logs the moves. Never rejects: a failure is logged with the VM ids. */
  private async storeBatch(batch: readonly Reply[]): Promise<void> {
    const { store } = this.services;
    const now = this.services.now();

    try {
      const moves = await store.db.transaction(async (tx) => {
        const stored = await store.vms.getMany(tx, batch.map((reply) => reply.vm.id));
        const changed: VmRecord[] = [];
        const moved: Array<{ reply: Reply; move: PollMove }> = [];

        for (const reply of batch) {
          const vm = stored.get(reply.vm.id);
          if (!stillAsPolled(reply.vm, vm)) continue;
          const move = await applyPoll(tx, store, vm, reply.report, now);
          changed.push(vm);
          if (move) moved.push({ reply, move });
        }
        await store.vms.updateMany(tx, changed);
        return moved;
      });
      for (const { reply, move } of moves) this.logMove(reply, move);
    } catch (error) {
      this.services.log.internalError({ step: 'vm.poll_store', vmIds: batch.map((reply) => reply.vm.id).join(',') }, error);
    }
  }

  private logMove({ vm, host, report }: Reply, move: PollMove): void {
    const from = positionName(move.from);
    const to = positionName(move.to);
    this.services.vmLog.write(vm.id, 'I', 'monitor', `the VM driver reports ${report.state}: the VM moves from ${from} to ${to}`);
    this.services.log.info('vm.monitor_state', { vmId: vm.id, hostId: host.id, driver: host.vmMad, deployId: vm.deployId, reported: report.state, from, to });
  }
}
