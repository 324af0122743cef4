/**
 * The `qemu` VM-manager driver: runs each VM as a daemonized QEMU process on the
 * machine that runs stratusd, and controls it over QMP. README.md beside this file
 * describes the configuration, the deployment file and every action.
 */
import type { ModuleDriver, ModuleDriverContext, ModuleDriverFactory } from '../../../core/drivers/runtime/module-driver-api.js';
import { chooseAcceleratorForHost, KVM_PROBE_TIMEOUT_MS, LOCAL_HOST_SIGNS, type KvmProbe } from './accelerator.js';
import { restoreVm, saveVm } from './checkpoint.js';
import { readConfig, type QemuDriverConfig } from './config.js';
import { checkLocalHost } from './host-check.js';
import { monitorHost } from './host-monitor.js';
import { probeKvm, readProbeGuest } from './kvm-probe.js';
import { launchVm, type LaunchRequest } from './launch.js';
import { migrateVmLive, type LiveMigrationRequest } from './live-migration.js';
import { cancelVm, rebootVm, resetVm, shutdownVm } from './power-actions.js';
import { CpuSampler } from './process-usage.js';
import { QmpConnections } from './qmp-connections.js';
import { pollVm, resumeVm, suspendVm } from './state-actions.js';
import type { VmRequest, VmRuntime } from './vm-runtime.js';

/**
 * Adapts an action written for its request's exact field types to a ModuleDriver
 * method. core/drivers/protocol/vmm-actions.ts types the shared request fields
 * (vmId, host, deployId, ...) as plain FieldSpec values, so RequestOf yields a union
 * of every JSON type for them. The DriverManager checks each request against the
 * protocol before calling a driver, so the fields have the declared types here.
 */
function withRequest<Request, Reply>(run: (request: Request) => Promise<Reply>): (request: unknown) => Promise<Reply> {
  return (request) => run(request as Request);
}

/** Boots the test guest under KVM, or returns undefined when there is no test guest to boot. */
function kvmProbeFor(config: QemuDriverConfig, context: ModuleDriverContext): KvmProbe {
  return async () => {
    if (config.probeGuestDir === undefined) return undefined;
    const guest = await readProbeGuest(config.probeGuestDir).catch((error: unknown) => {
      context.log('W', -1, `the KVM probe cannot use the test guest in ${config.probeGuestDir}: ${(error as Error).message}`);
      return undefined;
    });
    if (guest === undefined) return undefined;

    context.log('I', -1, `probing KVM: booting the test guest from ${config.probeGuestDir} under -accel kvm for up to ${KVM_PROBE_TIMEOUT_MS / 1000} s`);
    return probeKvm(config.binary, guest, KVM_PROBE_TIMEOUT_MS);
  };
}

function createRuntime(config: QemuDriverConfig, context: ModuleDriverContext): VmRuntime {
  const probe = kvmProbeFor(config, context);
  // Every host name the driver accepts means this machine, so they share one choice.
  const thisHost = config.localHostNames[0] ?? 'localhost';
  return {
    config,
    connections: new QmpConnections((vmId, text) => context.log('I', vmId, text)),
    pollSampler: new CpuSampler(),
    hostSampler: new CpuSampler(),
    log: (severity, vmId, text) => context.log(severity, vmId, text),
    chooseAccelerator: () => chooseAcceleratorForHost(thisHost, config.binary, config.accelerator, LOCAL_HOST_SIGNS, probe),
  };
}

/**
 * Creates the driver. Reads STRATUS_QEMU_ACCEL, STRATUS_QEMU_BINARY,
 * STRATUS_QEMU_LOCAL_HOSTS and STRATUS_GUEST_DIR once, and throws on an invalid
 * value, which rejects the plugin.
 */
const createDriver: ModuleDriverFactory<'vmm'> = (context) => {
  const config = readConfig(process.env, context.pluginDir);
  const runtime = createRuntime(config, context);

  const driver: ModuleDriver<'vmm'> = {
    init(version) {
      if (version !== 1) throw new Error(`the qemu driver speaks protocol 1, not ${version}`);
      context.log('I', -1, `qemu driver ready: binary ${config.binary}, accelerator setting ${config.accelerator}, local host names ${config.localHostNames.join(', ')}`);

      // The choice (and a KVM probe, when one is needed) starts now so that the first DEPLOY need not wait for it.
      runtime.chooseAccelerator().then(
        (choice) => context.log('I', -1, `accelerator for this host: ${choice.accelerator} (${choice.reason})`),
        (error: unknown) => context.log('E', -1, `choosing the accelerator failed: ${(error as Error).message}; DEPLOY will try again`),
      );
    },

    DEPLOY: withRequest(async (request: LaunchRequest) => {
      context.log('I', request.vmId, `deploying VM ${request.vmId} from ${request.deploymentFile}`);
      const qemu = await launchVm(runtime, request);
      return { deployId: qemu.deployId };
    }),

    SHUTDOWN: withRequest((request: VmRequest & { timeoutSeconds: number }) => shutdownVm(runtime, request)),
    CANCEL: withRequest((request: VmRequest) => cancelVm(runtime, request)),
    REBOOT: withRequest((request: VmRequest) => rebootVm(runtime, request)),
    RESET: withRequest((request: VmRequest) => resetVm(runtime, request)),
    SUSPEND: withRequest((request: VmRequest) => suspendVm(runtime, request)),
    RESUME: withRequest((request: VmRequest) => resumeVm(runtime, request)),
    SAVE: withRequest((request: VmRequest & { checkpointFile: string }) => saveVm(runtime, request)),

    RESTORE: withRequest(async (request: LaunchRequest & { checkpointFile: string }) => {
      context.log('I', request.vmId, `restoring VM ${request.vmId} from ${request.checkpointFile}`);
      return { deployId: await restoreVm(runtime, request) };
    }),

    MIGRATE: withRequest(async (request: LiveMigrationRequest) => {
      context.log('I', request.vmId, `migrating VM ${request.vmId} live from ${request.host} to ${request.targetHost}`);
      return migrateVmLive(runtime, request);
    }),

    POLL: withRequest((request: VmRequest) => pollVm(runtime, request)),

    MONITOR_HOST: withRequest(async (request: { host: string }) => {
      checkLocalHost(request.host, config.localHostNames, 'monitor the host');
      return monitorHost(runtime.hostSampler);
    }),

    finalize() {
      runtime.connections.closeAll();
    },
  };
  return driver;
};

export default createDriver;
