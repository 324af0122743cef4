import { encodeInit, encodeRequest, FINALIZE_LINE, parseDriverLine, type DriverLine } from '../protocol/wire.js';
import { driverEnvironment } from './driver-environment.js';
import { DriverError, type DriverCallContext } from './driver-error.js';
import type { DriverCallOptions, DriverHandle, DriverLogListener, DriverRuntimeSettings, DriverState, DriverStopResult } from './driver-handle.js';
import { DriverProcess } from './driver-process.js';
import { DriverStartError } from './driver-start-error.js';
import { excerpt, type EventLog } from './event-log.js';
import { InitHandshake } from './init-handshake.js';
import { PendingRequests } from './pending-requests.js';
import type { DriverKind } from './protocol-types.js';
import { ReadyWaiters } from './ready-waiters.js';
import { checkReply } from './reply-check.js';
import { RestartPolicy } from './restart-policy.js';

export interface ExecutableDriverOptions {
  kind: DriverKind;
  name: string;
  /** The plugin folder: the working directory of the process and its STRATUS_PLUGIN_DIR. */
  pluginDir: string;
  /** Absolute path of the program. */
  executable: string;
  args: readonly string[];
  /** The protocol version to send in INIT. */
  version: number;
  settings: DriverRuntimeSettings;
  log: EventLog;
  onLog: DriverLogListener;
}

/** A reply line whose request id can still be read although the line does not parse. */
const REPLY_WITH_ID = /^[A-Z][A-Z0-9_]* +\S+ +(-?\d+)(?: |$)/;

/**
 * An executable driver: one long-lived child process that speaks the line protocol
 * on its standard input and output. Requests run concurrently, matched by id. When
 * the process ends unexpectedly, every request in flight fails with CRASHED and the
 * process is started again after a backoff, up to `maxRestartsPerMinute` times.
 */
export class ExecutableDriver implements DriverHandle {
  private currentState: DriverState = 'new';
  private process?: DriverProcess;
  private handshake?: InitHandshake;
  private readonly pending = new PendingRequests();
  private readonly readyWaiters = new ReadyWaiters();
  private readonly restarts: RestartPolicy;
  private restartTimer?: NodeJS.Timeout;
  private nextRequestId = 1;
  private crashReason?: string;
  private onStoppedProcessEnd?: (description: string) => void;
  private stopping?: Promise<DriverStopResult>;

  constructor(private readonly options: ExecutableDriverOptions) {
    this.restarts = new RestartPolicy(options.settings);
  }

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

  get pid(): number | undefined {
    return this.process?.pid;
  }

  async start(): Promise<void> {
    if (this.currentState !== 'new') throw new Error(`driver ${this.options.name} was already started`);
    this.currentState = 'starting';

    try {
      await this.launch();
    } catch (error) {
      if (this.currentState === 'starting') this.currentState = 'stopped';
      throw error;
    }
    if (this.currentState === 'starting') this.currentState = 'ready';
  }

  async call(action: string, request: unknown, options: DriverCallOptions): Promise<unknown> {
    const context: DriverCallContext = { kind: this.options.kind, driver: this.options.name, action, objectId: options.objectId };
    const deadline = Date.now() + options.timeoutMs;
    await this.waitUntilReady(context, options.timeoutMs);

    const requestId = this.nextRequestId++;
    const reply = this.pending.add(requestId, context, Math.max(1, deadline - Date.now()));
    this.process?.write(encodeRequest(action, requestId, request));
    return reply;
  }

  idle(): Promise<void> {
    return this.pending.idle();
  }

  stop(): Promise<DriverStopResult> {
    if (this.stopping === undefined) this.stopping = this.terminate();
    return this.stopping;
  }

  /** Spawns a process and runs INIT on it. Rejects with a DriverStartError. */
  private async launch(): Promise<void> {
    const { settings, version } = this.options;
    const handshake = new InitHandshake(version, settings.initTimeoutMs);
    const driverProcess = this.createProcess();
    this.handshake = handshake;
    this.process = driverProcess;

    driverProcess.spawn();
    driverProcess.write(encodeInit(version));
    try {
      await handshake.done;
    } catch (error) {
      driverProcess.kill('SIGKILL');
      await driverProcess.ended;
      throw error;
    }
    this.options.log.info('driver.started', { kind: this.options.kind, driver: this.options.name, pid: driverProcess.pid, version });
  }

  private createProcess(): DriverProcess {
    const { settings, pluginDir, version, kind, name } = this.options;
    const driverProcess: DriverProcess = new DriverProcess({
      executable: this.options.executable,
      args: this.options.args,
      cwd: pluginDir,
      env: driverEnvironment(pluginDir, version),
      maxLineBytes: settings.maxLineBytes,
      maxStderrLineChars: settings.maxStderrLineChars,
      maxStderrLinesPerMinute: settings.maxStderrLinesPerMinute,
      onLine: (line) => this.onLine(driverProcess, line),
      onOverflow: (bytes) => this.onOverflow(driverProcess, bytes),
      onStderrLine: (line) => this.options.log.warn('driver.stderr', { kind, driver: name, pid: driverProcess.pid, line }),
      onStderrDropped: (count) => this.options.log.warn('driver.stderr_dropped', { kind, driver: name, pid: driverProcess.pid, count }),
      onWriteError: (error) => this.options.log.warn('driver.write_failed', { kind, driver: name, pid: driverProcess.pid, error: error.message }),
      onEnd: (description) => this.onProcessEnd(driverProcess, description),
    });
    return driverProcess;
  }

  private async waitUntilReady(context: DriverCallContext, timeoutMs: number): Promise<void> {
    if (this.currentState === 'ready') return;

    if (this.currentState === 'broken') {
      throw new DriverError('BROKEN', context, `the driver crashed ${this.options.settings.maxRestartsPerMinute} times within a minute and is no longer restarted`);
    }
    if (this.currentState !== 'starting' && this.currentState !== 'restarting') {
      throw new DriverError('STOPPED', context, 'the driver is not running');
    }

    const outcome = await this.readyWaiters.wait(timeoutMs);
    if (outcome === 'ready') return;
    if (outcome === 'timeout') throw new DriverError('TIMEOUT', context, `the driver was restarting and was not ready within ${timeoutMs / 1000} s`);
    return this.waitUntilReady(context, 0);
  }

  private onLine(driverProcess: DriverProcess, raw: string): void {
    if (driverProcess !== this.process) return;
    const parsed = parseDriverLine(raw);
    if (this.handshake && !this.handshake.isSettled && this.handshake.handleLine(parsed, raw)) return;

    switch (parsed.kind) {
      case 'log':
        this.options.onLog(parsed.severity, parsed.objectId, parsed.text);
        return;
      case 'reply':
        this.onReply(parsed, raw);
        return;
      case 'init':
        this.options.log.warn('driver.unexpected_line', { kind: this.options.kind, driver: this.options.name, line: excerpt(raw) });
        return;
      case 'invalid':
        this.onInvalidLine(raw, parsed.reason);
        return;
    }
  }

  private onReply(reply: Extract<DriverLine, { kind: 'reply' }>, raw: string): void {
    const { requestId } = reply;
    const context = this.pending.contextOf(requestId);
    if (context === undefined) {
      const fields = { kind: this.options.kind, driver: this.options.name, requestId, line: excerpt(raw) };
      this.options.log.warn('driver.unmatched_reply', fields);
      return;
    }

    if (reply.action !== context.action) {
      this.rejectInvalid(requestId, context, raw, `the reply names ${reply.action} but request ${requestId} was ${context.action}`);
      return;
    }
    if (!reply.ok) {
      this.pending.reject(requestId, new DriverError('FAILURE', context, reply.message));
      return;
    }

    try {
      this.pending.resolve(requestId, checkReply(context, reply.payload));
    } catch (error) {
      const detail = error instanceof DriverError ? error.detail : String(error);
      this.rejectInvalid(requestId, context, raw, detail);
    }
  }

  private onInvalidLine(raw: string, reason: string): void {
    const match = REPLY_WITH_ID.exec(raw);
    const requestId = match ? Number(match[1]) : undefined;
    const context = requestId === undefined ? undefined : this.pending.contextOf(requestId);

    if (requestId !== undefined && context !== undefined) {
      this.rejectInvalid(requestId, context, raw, `the reply line does not parse: ${reason}`);
      return;
    }
    this.options.log.warn('driver.invalid_line', { kind: this.options.kind, driver: this.options.name, reason, line: excerpt(raw) });
  }

  private rejectInvalid(requestId: number, context: DriverCallContext, raw: string, detail: string): void {
    const fields = { kind: this.options.kind, driver: this.options.name, action: context.action, objectId: context.objectId, requestId };
    this.options.log.warn('driver.invalid_reply', { ...fields, reason: detail, line: excerpt(raw) });
    this.pending.reject(requestId, new DriverError('INVALID_REPLY', context, detail));
  }

  private onOverflow(driverProcess: DriverProcess, bytesSeen: number): void {
    if (driverProcess !== this.process) return;
    const limit = this.options.settings.maxLineBytes;
    this.crashReason = `wrote a line longer than ${limit} bytes on standard output`;
    this.options.log.warn('driver.line_too_long', { kind: this.options.kind, driver: this.options.name, pid: driverProcess.pid, bytesSeen, limit });
    driverProcess.kill('SIGKILL');
  }

  private onProcessEnd(driverProcess: DriverProcess, description: string): void {
    if (driverProcess !== this.process) return;
    const reason = this.crashReason ?? description;
    this.crashReason = undefined;

    if (this.handshake && !this.handshake.isSettled) {
      this.handshake.handleEnd(reason, driverProcess.recentStderr());
      return;
    }
    if (this.currentState === 'stopping') {
      this.onStoppedProcessEnd?.(reason);
      return;
    }
    if (this.currentState === 'ready') this.onCrash(driverProcess, reason);
  }

  private onCrash(driverProcess: DriverProcess, reason: string): void {
    const stderr = driverProcess.recentStderr();
    const fields = { kind: this.options.kind, driver: this.options.name, pid: driverProcess.pid, reason, inFlight: this.pending.size };
    this.options.log.warn('driver.crashed', { ...fields, stderr: stderr === '' ? undefined : stderr });

    const stderrPart = stderr === '' ? '' : `; its last standard-error lines: ${stderr}`;
    this.pending.failAll('CRASHED', `the driver crashed (its process ${reason}) while the request was in flight, and the daemon is restarting it${stderrPart}`);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = this.restarts.nextDelay();
    if (delay === undefined) {
      this.currentState = 'broken';
      const limit = this.options.settings.maxRestartsPerMinute;
      this.options.log.warn('driver.broken', { kind: this.options.kind, driver: this.options.name, reason: `crashed ${limit} times within a minute; it is not restarted until its plugin changes` });
      this.readyWaiters.settleAll('broken');
      return;
    }

    this.currentState = 'restarting';
    this.restartTimer = setTimeout(() => void this.restart(), delay);
  }

  private async restart(): Promise<void> {
    this.restartTimer = undefined;
    if (this.currentState !== 'restarting') return;

    try {
      await this.launch();
    } catch (error) {
      if (this.currentState !== 'restarting') return;
      this.options.log.warn('driver.restart_failed', { kind: this.options.kind, driver: this.options.name, reason: (error as Error).message });
      this.scheduleRestart();
      return;
    }

    if (this.currentState !== 'restarting') return;
    this.currentState = 'ready';
    this.options.log.info('driver.restarted', { kind: this.options.kind, driver: this.options.name, pid: this.process?.pid, restartsInLastMinute: this.restarts.recentRestarts });
    this.readyWaiters.settleAll('ready');
  }

  private async terminate(): Promise<DriverStopResult> {
    const previous = this.currentState;
    this.currentState = 'stopping';
    clearTimeout(this.restartTimer);
    this.readyWaiters.settleAll('stopped');
    this.handshake?.abort(new DriverStartError('INIT_FAILED', 'the driver was stopped before it replied to INIT'));

    const driverProcess = this.process;
    const result = driverProcess === undefined || driverProcess.hasEnded || previous === 'broken'
      ? { clean: true, description: 'was not running' }
      : await this.finalize(driverProcess);

    this.pending.failAll('STOPPED', 'the driver was stopped before it replied');
    this.currentState = 'stopped';
    this.options.log.info('driver.stopped', { kind: this.options.kind, driver: this.options.name, how: result.description });
    return result;
  }

  /** Sends FINALIZE, waits the grace period for the process to end, then kills it. */
  private async finalize(driverProcess: DriverProcess): Promise<DriverStopResult> {
    const grace = this.options.settings.stopGraceMs;
    let graceTimer: NodeJS.Timeout | undefined;
    const ended = new Promise<string>((resolve) => {
      this.onStoppedProcessEnd = resolve;
    });
    const graceOver = new Promise<undefined>((resolve) => {
      graceTimer = setTimeout(() => resolve(undefined), grace);
    });

    driverProcess.write(FINALIZE_LINE);
    driverProcess.closeInput();
    const description = await Promise.race([ended, graceOver]);
    clearTimeout(graceTimer);
    if (description !== undefined) return { clean: true, description: `${description} after FINALIZE` };

    driverProcess.kill('SIGKILL');
    await ended;
    return { clean: false, description: `did not end within ${grace / 1000} s after FINALIZE and was killed` };
  }
}
