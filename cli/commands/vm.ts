import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { asList, asObject, textAt, type XmlObject } from '../documents.js';
import { VM } from '../object-types.js';
import type { Column, RowContext } from '../output/table.js';
import { formatDuration, formatMib } from '../output/units.js';
import { lcmStateName, vmShortState, vmStateName } from '../states.js';
import { addCreateFromTemplateCommand } from './create-command.js';
import { addChmodCommand, addOwnershipCommands, addRenameCommand, addUpdateCommand } from './edit-commands.js';
import { addListCommand, addShowCommand } from './read-commands.js';
import { addInstantiateCommand } from './template.js';
import { addVmLifecycleCommands } from './vm-lifecycle.js';
import { addVmLogCommand } from './vm-log.js';

/** Returns the host of the VM's latest history record, or `''` when it never ran. */
function currentHost(vm: XmlObject): string {
  const records = asList(asObject(vm.HISTORY_RECORDS).HISTORY);
  const last = records.at(-1);
  return last === undefined ? '' : textAt(asObject(last), 'HOSTNAME');
}

/** Time since the VM was created, up to ETIME once it has ended. */
function age(vm: XmlObject, context: RowContext): string {
  const start = Number(textAt(vm, 'STIME'));
  const end = Number(textAt(vm, 'ETIME'));
  if (!(start > 0)) return '-';
  const until = end > 0 ? end : Math.floor(context.now / 1000);
  return formatDuration(until - start);
}

/** CPU and MEM are what the VM template allocates (CPU share, MEMORY in MiB), not measured use. */
const VM_COLUMNS: Column[] = [
  { header: 'ID', value: (vm) => textAt(vm, 'ID'), align: 'right' },
  { header: 'USER', value: (vm) => textAt(vm, 'UNAME') },
  { header: 'GROUP', value: (vm) => textAt(vm, 'GNAME') },
  { header: 'NAME', value: (vm) => textAt(vm, 'NAME') },
  { header: 'STAT', value: (vm) => vmShortState(textAt(vm, 'STATE'), textAt(vm, 'LCM_STATE')) },
  { header: 'CPU', value: (vm) => textAt(vm, 'TEMPLATE.CPU') || '-', align: 'right' },
  { header: 'MEM', value: (vm) => formatMib(textAt(vm, 'TEMPLATE.MEMORY')), align: 'right' },
  { header: 'HOST', value: currentHost },
  { header: 'TIME', value: age, align: 'right' },
];

/**
 * `stratus vm`: virtual machines (one.vm.*). VMs have no `delete` call in OpenNebula's
 * API; `terminate` removes them.
 */
export function vmCommand(program: Command, ctx: CliContext): void {
  const vm = program.command('vm').description('manage virtual machines');

  addListCommand(vm, ctx, VM, VM_COLUMNS);
  addShowCommand(vm, ctx, VM, (object) => ({
    title: `VIRTUAL MACHINE ${textAt(object, 'ID')}`,
    labels: { STATE: vmStateName, PREV_STATE: vmStateName, LCM_STATE: lcmStateName, PREV_LCM_STATE: lcmStateName },
  }));
  const create = addCreateFromTemplateCommand(vm, ctx, VM, (options) => [options.hold === true]).option(
    '--hold',
    'create the VM in HOLD instead of PENDING, so the scheduler leaves it until released',
  );
  addUpdateCommand(vm, ctx, VM);
  addOwnershipCommands(vm, ctx, VM);
  addChmodCommand(vm, ctx, VM);
  addRenameCommand(vm, ctx, VM);
  addInstantiateCommand(vm, ctx);
  addVmLifecycleCommands(vm, ctx, create);
  addVmLogCommand(vm, ctx);
}
