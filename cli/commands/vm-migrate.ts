import { InvalidArgumentError, type Command } from 'commander';
import { VmState } from '../../core/vm/states.js';
import type { CliContext } from '../context.js';
import { usageError } from '../errors.js';
import { HOST, VM } from '../object-types.js';
import { resolveId } from '../resolve.js';
import { addWaitOptions, readStatus, waitForVm, type VmStatus, type WaitOptions } from './vm-lifecycle.js';

interface MigrateOptions extends WaitOptions {
  live?: boolean;
  enforce?: boolean;
  poweroff?: boolean;
  poweroffHard?: boolean;
  datastore?: number;
}

function parseDatastoreId(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('expected a system datastore id, such as 0.');
  return Number(text);
}

/** one.vm.migrate's migration type: 0 save, 1 poweroff, 2 poweroff-hard. */
function migrationType(options: MigrateOptions): number {
  const chosen = [options.live, options.poweroff, options.poweroffHard].filter((flag) => flag === true).length;
  if (chosen > 1) throw usageError('give at most one of --live, --poweroff and --poweroff-hard');
  if (options.poweroffHard) return 2;
  return options.poweroff ? 1 : 0;
}

/** Returns the state a migration ends in: POWEROFF and SUSPENDED VMs keep their state, and the others end RUNNING. */
function endStateOf(before: VmStatus): string {
  if (before.state === VmState.POWEROFF) return 'POWEROFF';
  if (before.state === VmState.SUSPENDED) return 'SUSPENDED';
  return 'RUNNING';
}

/** Adds `stratus vm migrate`. */
export function addMigrateCommand(vm: Command, ctx: CliContext): void {
  const command = vm
    .command('migrate <vm> <host>')
    .description('move a VM to another host (one.vm.migrate); a RUNNING VM is saved and restored there unless --live')
    .option('--live', 'move the running guest without stopping it (the VM driver must support it)')
    .option('--poweroff', 'power the guest off and boot it on the new host instead of saving its memory')
    .option('--poweroff-hard', 'as --poweroff, without asking the guest to shut down')
    .option('--enforce', "refuse a host without room for the VM's CPU and memory")
    .option('--datastore <id>', 'the system datastore to move to (only the current one is supported)', parseDatastoreId);

  addWaitOptions(command, 'on the new host in its end state').action(async (reference: string, hostReference: string, options: MigrateOptions, self: Command) => {
    const type = migrationType(options);
    const id = await resolveId(ctx, self, VM, reference);
    const hostId = await resolveId(ctx, self, HOST, hostReference);

    const before = await readStatus(ctx, self, id);
    await ctx.call(self, 'one.vm.migrate', id, hostId, options.live === true, options.enforce === true, options.datastore ?? -1, type);
    if (options.wait) await waitForVm(ctx, self, id, endStateOf(before), { timeoutSeconds: options.timeout, baselineError: before.error });
  });
}
