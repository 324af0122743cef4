import { DEFAULT_RUNTIME_SETTINGS, type DriverRuntimeSettings } from '../drivers/runtime/driver-handle.js';
import type { EventLog, LogFields } from '../drivers/runtime/event-log.js';
import type { LoadStep } from './inspect-plugin.js';
import { loadPlugin } from './load-plugin.js';
import { PluginRejection, type RejectionCode } from './plugin-rejection.js';

/** One check of the verifier, passed or failed with its reason. */
export type VerifyCheck = LoadStep;

export interface VerifyReport {
  dir: string;
  /** True when every check passed. */
  ok: boolean;
  checks: VerifyCheck[];
  /** The rejection the daemon would log for this plugin, when it would reject it. */
  rejection?: { code: RejectionCode; reason: string };
  /** Log lines about the driver besides its replies (LOG lines, standard error, invalid lines), in order. */
  driverOutput: string[];
}

export interface VerifyOptions {
  runtime?: Partial<DriverRuntimeSettings>;
  /** Deadline for each action's reply, in milliseconds. */
  probeTimeoutMs?: number;
}

/** Collects what the daemon log would show about the driver, as text lines. */
class OutputRecorder implements EventLog {
  readonly lines: string[] = [];

  info(event: string, fields: LogFields): void {
    this.record('info', event, fields);
  }

  warn(event: string, fields: LogFields): void {
    this.record('warn', event, fields);
  }

  internalError(fields: LogFields, error: unknown): void {
    this.record('error', 'internal.error', { ...fields, error: String(error) });
  }

  private record(level: string, event: string, fields: LogFields): void {
    if (event === 'driver.started' || event === 'driver.stopped') return;
    const rendered = Object.entries(fields)
      .filter(([key, value]) => value !== undefined && key !== 'kind' && key !== 'driver')
      .map(([key, value]) => `${key}=${JSON.stringify(value)}`);
    this.lines.push([level, event, ...rendered].join(' '));
  }
}

/**
 * Verifies a plugin folder the way the daemon loads it: the real loader, then a real
 * protocol conversation (INIT, each claimed action once with the example request
 * of the protocol declaration, FINALIZE). The driver acts on the example requests,
 * so run it where those actions are harmless.
 */
export async function verifyPlugin(dir: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const checks: VerifyCheck[] = [];
  const output = new OutputRecorder();
  const loadOptions = {
    runtime: { ...DEFAULT_RUNTIME_SETTINGS, ...options.runtime },
    log: output,
    sink: { driverLog: () => undefined },
    probeActions: true,
    probeTimeoutMs: options.probeTimeoutMs ?? 5000,
    onStep: (step: LoadStep) => checks.push(step),
  };

  try {
    const plugin = await loadPlugin(dir, loadOptions);
    const stopped = await plugin.driver.stop();
    checks.push({ name: 'finalize', ok: stopped.clean, detail: stopped.clean ? `the driver ${stopped.description}` : `the driver ${stopped.description}; it must exit when it reads FINALIZE or end of input` });
  } catch (error) {
    if (!(error instanceof PluginRejection)) throw error;
    return { dir, ok: false, checks, rejection: { code: error.code, reason: error.message }, driverOutput: output.lines };
  }
  return { dir, ok: checks.every((check) => check.ok), checks, driverOutput: output.lines };
}

/** Renders a verify report as plain text, one check per line. */
export function formatVerifyReport(report: VerifyReport): string {
  const width = Math.max(...report.checks.map((check) => check.name.length), 8);
  const lines = [`Verifying plugin ${report.dir}`];

  for (const check of report.checks) {
    const [first, ...rest] = check.detail.split('\n');
    lines.push(`  ${check.ok ? 'ok  ' : 'FAIL'}  ${check.name.padEnd(width)}  ${first}`);
    for (const line of rest) lines.push(`        ${' '.repeat(width)}  ${line}`);
  }

  if (report.driverOutput.length > 0) {
    lines.push('Driver output:');
    for (const line of report.driverOutput) lines.push(`  ${line}`);
  }

  if (report.rejection !== undefined) {
    lines.push(`Result: the daemon would reject this plugin (${report.rejection.code}).`);
  } else {
    lines.push(report.ok ? 'Result: all checks passed.' : 'Result: the plugin loads, but some checks failed.');
  }
  return `${lines.join('\n')}\n`;
}
