import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RUNTIME_SETTINGS, type DriverRuntimeSettings } from '../../../../core/drivers/runtime/driver-handle.js';
import type { DriverLogSink } from '../../../../core/drivers/runtime/driver-log-sink.js';
import type { EventLog, LogFields } from '../../../../core/drivers/runtime/event-log.js';
import type { LogSeverity } from '../../../../core/drivers/protocol/wire.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** Finds the project folder by walking up to package.json, because tests run from test/ and from dist/test/. */
function findProjectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the test file');
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findProjectRoot();
export const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'plugins');

export function fixtureDir(name: string): string {
  return path.join(FIXTURES, name);
}

/** Runtime settings for tests: short deadlines, so that failures show in seconds. */
export function testRuntime(overrides: Partial<DriverRuntimeSettings> = {}): DriverRuntimeSettings {
  return { ...DEFAULT_RUNTIME_SETTINGS, initTimeoutMs: 5000, stopGraceMs: 2000, restartBackoffMs: 50, ...overrides };
}

export interface LogEvent {
  level: 'info' | 'warn' | 'error';
  event: string;
  fields: LogFields;
}

/** An EventLog that keeps every event, for assertions. */
export class RecordingLog implements EventLog {
  readonly events: LogEvent[] = [];

  info(event: string, fields: LogFields): void {
    this.events.push({ level: 'info', event, fields });
  }

  warn(event: string, fields: LogFields): void {
    this.events.push({ level: 'warn', event, fields });
  }

  internalError(fields: LogFields, error: unknown): void {
    this.events.push({ level: 'error', event: 'internal.error', fields: { ...fields, error: String(error) } });
  }

  named(event: string): LogEvent[] {
    return this.events.filter((item) => item.event === event);
  }
}

export interface ObjectLogLine {
  kind: string;
  driver: string;
  objectId: number;
  severity: LogSeverity;
  text: string;
}

/** A DriverLogSink that keeps every line, standing in for the VM logs. */
export class RecordingSink implements DriverLogSink {
  readonly lines: ObjectLogLine[] = [];

  driverLog(kind: string, driver: string, objectId: number, severity: LogSeverity, text: string): void {
    this.lines.push({ kind, driver, objectId, severity, text });
  }
}

/** A new temporary folder, removed when the test ends. */
export function temporaryFolder(t: Teardown, prefix = 'stratus-plugins-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Copies fixtures into `folder` (modes kept) and returns the folder. */
export function copyFixtures(folder: string, names: string[]): string {
  for (const name of names) cpSync(fixtureDir(name), path.join(folder, name), { recursive: true });
  return folder;
}

/** Writes a plugin folder with a manifest and an executable script, for cases no fixture covers. */
export function writeScriptPlugin(folder: string, name: string, manifest: Record<string, unknown>, script: string, file = 'driver'): string {
  const dir = path.join(folder, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'plugin.json'), JSON.stringify({ protocol: [1], retry: [], entry: { executable: file }, ...manifest }, null, 2));
  writeFileSync(path.join(dir, file), script);
  chmodSync(path.join(dir, file), 0o755);
  return dir;
}

/** Polls `condition` every 50 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, description: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True while a process with the pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
