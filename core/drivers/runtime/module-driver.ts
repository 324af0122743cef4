import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { messageOf, runWithDeadline } from './deadline.js';
import { DriverError, type DriverCallContext } from './driver-error.js';
import type { DriverCallOptions, DriverHandle, DriverLogListener, DriverRuntimeSettings, DriverState, DriverStopResult } from './driver-handle.js';
import { DriverStartError } from './driver-start-error.js';
import type { EventLog } from './event-log.js';
import type { ModuleDriver, ModuleDriverContext, ModuleDriverFactory } from './module-driver-api.js';
import { PendingRequests } from './pending-requests.js';
import type { DriverKind } from './protocol-types.js';
import { checkReply } from './reply-check.js';

export interface ModuleDriverOptions {
  kind: DriverKind;
  name: string;
  pluginDir: string;
  /** Absolute path of the JavaScript module. */
  modulePath: string;
  version: number;
  /** The actions plugin.json claims; the module must have a method for each. */
  actions: readonly string[];
  settings: DriverRuntimeSettings;
  log: EventLog;
  onLog: DriverLogListener;
}

type MethodTable = Record<string, unknown> & ModuleDriver;

/** Counts imports so that a reloaded module is imported afresh, not taken from the module cache. */
let importCount = 0;

/**
 * A driver loaded in process from a JavaScript module. It gets the same deadlines,
 * reply checks and failure wrapping as an executable driver; a thrown error is a
 * FAILURE with the error's message.
 */
export class LoadedModuleDriver implements DriverHandle {
  private currentState: DriverState = 'new';
  private driver?: MethodTable;
  private readonly pending = new PendingRequests();
  private nextRequestId = 1;
  private stopping?: Promise<DriverStopResult>;

  constructor(private readonly options: ModuleDriverOptions) {}

  get kind(): DriverKind {
    return this.options.kind;
  }

  get name(): string {
    return this.options.name;
  }

  get state(): DriverState {
    return this.currentState;
  }

  get version(): number {
    return this.currentState === 'ready' ? this.options.version : 0;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  async start(): Promise<void> {
    if (this.currentState !== 'new') throw new Error(`driver ${this.options.name} was already started`);
    this.currentState = 'starting';

    try {
      const factory = await this.importFactory();
      this.driver = await this.createDriver(factory);
      this.checkClaimedActions(this.driver);
      await this.runInit(this.driver);
    } catch (error) {
      this.currentState = 'stopped';
      throw error;
    }
    this.currentState = 'ready';
    this.options.log.info('driver.started', { kind: this.options.kind, driver: this.options.name, module: this.options.modulePath, version: this.options.version });
  }

  call(action: string, request: unknown, options: DriverCallOptions): Promise<unknown> {
    const context: DriverCallContext = { kind: this.options.kind, driver: this.options.name, action, objectId: options.objectId };
    if (this.currentState !== 'ready' || this.driver === undefined) {
      return Promise.reject(new DriverError('STOPPED', context, 'the driver is not running'));
    }
    const method = this.driver[action];
    if (typeof method !== 'function') {
      return Promise.reject(new DriverError('UNSUPPORTED_ACTION', context, `the module has no method ${action}`));
    }

    const requestId = this.nextRequestId++;
    const reply = this.pending.add(requestId, context, options.timeoutMs);
    void this.invoke(requestId, context, () => (method as (request: unknown) => unknown).call(this.driver, request));
    return reply;
  }

  idle(): Promise<void> {
    return this.pending.idle();
  }

  stop(): Promise<DriverStopResult> {
    if (this.stopping === undefined) this.stopping = this.terminate();
    return this.stopping;
  }

  private async invoke(requestId: number, context: DriverCallContext, run: () => unknown): Promise<void> {
    try {
      const payload = await run();
      this.pending.resolve(requestId, checkReply(context, payload));
    } catch (error) {
      const failure = error instanceof DriverError ? error : new DriverError('FAILURE', context, messageOf(error), { cause: error });
      if (failure.code === 'INVALID_REPLY') {
        this.options.log.warn('driver.invalid_reply', { kind: this.options.kind, driver: this.options.name, action: context.action, objectId: context.objectId, reason: failure.detail });
      }
      this.pending.reject(requestId, failure);
    }
  }

  private async importFactory(): Promise<ModuleDriverFactory> {
    const { modulePath } = this.options;
    importCount += 1;
    const url = `${pathToFileURL(modulePath).href}?load=${importCount}-${Math.trunc(statSync(modulePath).mtimeMs)}`;

    const timeoutMs = this.options.settings.initTimeoutMs;
    const outcome = await runWithDeadline(async () => (await import(url)) as Record<string, unknown>, timeoutMs);
    if (outcome.kind === 'threw') {
      throw new DriverStartError('MODULE_INVALID', `the module could not be imported: ${messageOf(outcome.error)}`, { cause: outcome.error });
    }
    if (outcome.kind === 'timeout') {
      throw new DriverStartError('INIT_TIMEOUT', `importing the module took longer than ${timeoutMs / 1000} s (a top-level await that does not settle?)`);
    }
    const exported = outcome.value;

    const factory = exported.default ?? exported.createDriver;
    if (typeof factory !== 'function') {
      throw new DriverStartError('MODULE_INVALID', 'the module exports no driver factory: export a function as default or as "createDriver"');
    }
    return factory as ModuleDriverFactory;
  }

  private async createDriver(factory: ModuleDriverFactory): Promise<MethodTable> {
    const { kind, name, pluginDir, version, onLog } = this.options;
    const context: ModuleDriverContext = { kind, name, pluginDir, version, log: (severity, objectId, text) => onLog(severity, objectId, text) };
    const outcome = await runWithDeadline(() => factory(context), this.options.settings.initTimeoutMs);

    if (outcome.kind === 'threw') throw new DriverStartError('INIT_FAILED', `the driver factory threw: ${messageOf(outcome.error)}`, { cause: outcome.error });
    if (outcome.kind === 'timeout') throw new DriverStartError('INIT_TIMEOUT', `the driver factory did not return within ${this.options.settings.initTimeoutMs / 1000} s`);
    if (typeof outcome.value !== 'object' || outcome.value === null) {
      throw new DriverStartError('MODULE_INVALID', 'the driver factory must return an object with a method per action');
    }
    return outcome.value as MethodTable;
  }

  private checkClaimedActions(driver: MethodTable): void {
    const missing = this.options.actions.filter((action) => typeof driver[action] !== 'function');
    if (missing.length > 0) {
      throw new DriverStartError('MODULE_INVALID', `plugin.json claims ${missing.join(', ')} but the driver object has no method of that name; add the methods or remove the actions from "actions"`);
    }
  }

  private async runInit(driver: MethodTable): Promise<void> {
    if (typeof driver.init !== 'function') return;
    const { version, settings } = this.options;
    const outcome = await runWithDeadline(() => driver.init?.(version), settings.initTimeoutMs);

    if (outcome.kind === 'threw') throw new DriverStartError('INIT_FAILED', `init(${version}) threw: ${messageOf(outcome.error)}`, { cause: outcome.error });
    if (outcome.kind === 'timeout') throw new DriverStartError('INIT_TIMEOUT', `init(${version}) did not finish within ${settings.initTimeoutMs / 1000} s`);
  }

  private async terminate(): Promise<DriverStopResult> {
    const wasReady = this.currentState === 'ready';
    this.currentState = 'stopping';
    const result = wasReady ? await this.runFinalize() : { clean: true, description: 'was not running' };

    this.pending.failAll('STOPPED', 'the driver was stopped before it replied');
    this.currentState = 'stopped';
    this.options.log.info('driver.stopped', { kind: this.options.kind, driver: this.options.name, how: result.description });
    return result;
  }

  private async runFinalize(): Promise<DriverStopResult> {
    const driver = this.driver;
    if (typeof driver?.finalize !== 'function') return { clean: true, description: 'has no finalize(); nothing to do' };

    const grace = this.options.settings.stopGraceMs;
    const outcome = await runWithDeadline(() => driver.finalize?.(), grace);
    if (outcome.kind === 'done') return { clean: true, description: 'finalize() finished' };
    if (outcome.kind === 'threw') return { clean: false, description: `finalize() threw: ${messageOf(outcome.error)}` };
    return { clean: false, description: `finalize() did not finish within ${grace / 1000} s` };
  }
}
