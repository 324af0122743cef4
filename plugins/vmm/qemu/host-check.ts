/**
 * Throws unless `host` names this machine. The driver starts QEMU on the machine
 * that runs the daemon, so a request for another host must fail instead of starting
 * the VM in the wrong place.
 */
export function checkLocalHost(host: string, localHostNames: readonly string[], operation: string): void {
  if (localHostNames.includes(host.trim().toLowerCase())) return;

  const known = localHostNames.join(', ');
  throw new Error(
    `cannot ${operation}: host "${host}" is not this machine, and the qemu driver runs VMs on the local host only ` +
      `(names of this machine: ${known}). Deploy the VM on a host registered under one of these names, ` +
      `or add "${host}" to STRATUS_QEMU_LOCAL_HOSTS if it names this machine`,
  );
}
