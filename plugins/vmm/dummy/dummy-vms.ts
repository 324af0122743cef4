/** The state of a VM as the dummy driver records it. */
type DummyState = 'RUNNING' | 'PAUSED' | 'STOPPED';

interface DummyVm {
  host: string;
  state: DummyState;
}

/** Returns the deploy id the dummy driver gives a VM. */
export function deployIdOf(vmId: number): string {
  return `dummy-${vmId}`;
}

/** The VMs this driver instance deployed, with their pretended state. Nothing runs. */
export class DummyVms {
  private readonly vms = new Map<number, DummyVm>();

  deploy(vmId: number, host: string): void {
    this.vms.set(vmId, { host, state: 'RUNNING' });
  }

  /** Records a new state for a VM; one this instance never saw is recorded on `host`. */
  change(vmId: number, host: string, state: DummyState): void {
    const vm = this.vms.get(vmId) ?? { host, state };
    vm.state = state;
    this.vms.set(vmId, vm);
  }

  /**
   * Returns the POLL state. A VM this instance never saw is RUNNING when its deploy id
   * is one the dummy driver gives, because the records are lost when the daemon
   * restarts and the VMs are meant to survive that. Any other VM is UNKNOWN.
   */
  pollState(vmId: number, deployId: string): 'RUNNING' | 'PAUSED' | 'UNKNOWN' {
    const vm = this.vms.get(vmId);
    if (vm === undefined) return deployId === deployIdOf(vmId) ? 'RUNNING' : 'UNKNOWN';
    return vm.state === 'STOPPED' ? 'UNKNOWN' : vm.state;
  }

  /** Returns the deploy ids of the VMs running or paused on a host. */
  deployIdsOn(host: string): string[] {
    const ids: string[] = [];
    for (const [vmId, vm] of this.vms) {
      if (vm.host === host && vm.state !== 'STOPPED') ids.push(deployIdOf(vmId));
    }
    return ids;
  }
}
