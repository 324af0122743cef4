import path from 'node:path';
import { DRIVER_FAMILIES, DRIVER_KINDS, type DriverKind } from '../drivers/protocol/index.js';
import type { PluginManifest } from './manifest.js';

/** One thing wrong with a manifest: where, what, and how to fix it. */
export interface ManifestProblem {
  /** The field, as a JSON path such as `entry.executable` or `actions[2]`. */
  path: string;
  problem: string;
  fix: string;
}

export type ManifestCheck = { ok: true; manifest: PluginManifest } | { ok: false; problems: ManifestProblem[] };

const NAME = /^[a-z][a-z0-9_-]{0,63}$/;
const FIELDS = ['name', 'kind', 'protocol', 'actions', 'retry', 'entry', 'timeouts', 'retries', 'description'];
const MAX_TIMEOUT_SECONDS = 86_400;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects the problems of one manifest; each check adds to the list and goes on. */
class ProblemList {
  readonly problems: ManifestProblem[] = [];

  add(fieldPath: string, problem: string, fix: string): void {
    this.problems.push({ path: fieldPath, problem, fix });
  }
}

function checkUnknownFields(raw: JsonObject, known: string[], prefix: string, problems: ProblemList): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) problems.add(`${prefix}${key}`, 'is not a manifest field', `remove it or correct its spelling; the fields here are ${known.join(', ')}`);
  }
}

function checkName(value: unknown, problems: ProblemList): void {
  if (typeof value !== 'string' || !NAME.test(value)) {
    problems.add('name', `must be a lower-case identifier, got ${JSON.stringify(value)}`, 'use a lower-case letter, then lower-case letters, digits, "-" or "_" (64 characters at most), such as "qemu"');
  }
}

function checkKind(value: unknown, problems: ProblemList): DriverKind | undefined {
  if (typeof value === 'string' && (DRIVER_KINDS as string[]).includes(value)) return value as DriverKind;
  problems.add('kind', `must be one of ${DRIVER_KINDS.join(', ')}, got ${JSON.stringify(value)}`, 'set the driver family the plugin implements');
  return undefined;
}

function checkProtocol(value: unknown, problems: ProblemList): void {
  const valid = Array.isArray(value) && value.length > 0 && value.every((version) => Number.isSafeInteger(version) && version >= 1);
  if (!valid) {
    problems.add('protocol', `must be a non-empty array of protocol versions (integers from 1), got ${JSON.stringify(value)}`, 'list the versions the driver speaks, such as [1]');
  }
}

function checkStringList(value: unknown, field: string, problems: ProblemList): string[] | undefined {
  if (!Array.isArray(value)) {
    problems.add(field, `must be an array of action names, got ${JSON.stringify(value)}`, `write "${field}": ["ACTION", ...]`);
    return undefined;
  }
  const names: string[] = [];
  value.forEach((item, index) => {
    if (typeof item !== 'string') problems.add(`${field}[${index}]`, `must be a string, got ${JSON.stringify(item)}`, 'write the action name in capitals, such as "DEPLOY"');
    else if (names.includes(item)) problems.add(`${field}[${index}]`, `repeats ${item}`, 'list each action once');
    else names.push(item);
  });
  return names;
}

function checkActions(value: unknown, kind: DriverKind | undefined, problems: ProblemList): string[] | undefined {
  const names = checkStringList(value, 'actions', problems);
  if (names === undefined) return undefined;
  if (names.length === 0) problems.add('actions', 'is empty', 'list at least one action the driver implements');
  if (kind === undefined) return names;

  const family = Object.keys(DRIVER_FAMILIES[kind]);
  names.forEach((name) => {
    if (!family.includes(name)) {
      problems.add(`actions[${(value as unknown[]).indexOf(name)}]`, `${name} is not an action of the ${kind} family`, `use one of ${family.join(', ')}`);
    }
  });
  return names;
}

function checkRetry(value: unknown, actions: string[] | undefined, problems: ProblemList): void {
  const names = checkStringList(value, 'retry', problems);
  if (names === undefined || actions === undefined) return;
  names.forEach((name) => {
    if (!actions.includes(name)) problems.add(`retry[${(value as unknown[]).indexOf(name)}]`, `${name} is not in "actions"`, 'retry only actions the plugin implements, or add it to "actions"');
  });
}

function checkRelativePath(value: unknown, field: string, example: string, problems: ProblemList): void {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.add(field, `must be a path relative to the plugin folder, got ${JSON.stringify(value)}`, `write a path such as "${example}"`);
    return;
  }
  const normal = path.normalize(value);
  if (path.isAbsolute(value) || normal === '..' || normal.startsWith(`..${path.sep}`)) {
    problems.add(field, `"${value}" is outside the plugin folder`, `put the file in the plugin folder and write its relative path, such as "${example}"`);
  }
}

function checkEntry(value: unknown, problems: ProblemList): void {
  if (!isObject(value)) {
    problems.add('entry', `must be an object, got ${JSON.stringify(value)}`, 'write { "executable": "driver" } or { "module": "driver.js" }');
    return;
  }
  const hasExecutable = 'executable' in value;
  const hasModule = 'module' in value;
  if (hasExecutable === hasModule) {
    problems.add('entry', hasExecutable ? 'has both "executable" and "module"' : 'has neither "executable" nor "module"', 'keep exactly one: { "executable": "driver" } or { "module": "driver.js" }');
    return;
  }

  if (hasExecutable) {
    checkUnknownFields(value, ['executable', 'args'], 'entry.', problems);
    checkRelativePath(value.executable, 'entry.executable', 'bin/driver', problems);
    const args = value.args;
    if (args !== undefined && !(Array.isArray(args) && args.every((arg) => typeof arg === 'string'))) {
      problems.add('entry.args', `must be an array of strings, got ${JSON.stringify(args)}`, 'write one string per argument, such as ["--verbose"]');
    }
    return;
  }

  checkUnknownFields(value, ['module'], 'entry.', problems);
  checkRelativePath(value.module, 'entry.module', 'driver.js', problems);
  if (typeof value.module === 'string' && !/\.m?js$/.test(value.module)) {
    problems.add('entry.module', `"${value.module}" is not a JavaScript module`, 'name the compiled .js or .mjs file');
  }
}

function checkTimeouts(value: unknown, actions: string[] | undefined, problems: ProblemList): void {
  if (value === undefined) return;
  if (!isObject(value)) {
    problems.add('timeouts', `must be an object of seconds by action, got ${JSON.stringify(value)}`, 'write { "DEPLOY": 300 }');
    return;
  }
  for (const [action, seconds] of Object.entries(value)) {
    if (actions !== undefined && !actions.includes(action)) problems.add(`timeouts.${action}`, `${action} is not in "actions"`, 'set deadlines only for actions the plugin implements');
    if (typeof seconds !== 'number' || !(seconds > 0) || seconds > MAX_TIMEOUT_SECONDS) {
      problems.add(`timeouts.${action}`, `must be a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS}, got ${JSON.stringify(seconds)}`, 'write the deadline in seconds, such as 300');
    }
  }
}

function checkRetries(value: unknown, problems: ProblemList): void {
  if (value === undefined) return;
  if (!isObject(value)) {
    problems.add('retries', `must be an object, got ${JSON.stringify(value)}`, 'write { "attempts": 3, "backoffMs": 1000 }');
    return;
  }
  checkUnknownFields(value, ['attempts', 'backoffMs'], 'retries.', problems);
  const { attempts, backoffMs } = value;
  if (!Number.isSafeInteger(attempts) || (attempts as number) < 1 || (attempts as number) > 10) {
    problems.add('retries.attempts', `must be an integer from 1 to 10, got ${JSON.stringify(attempts)}`, 'give the number of tries in all, the first included, such as 3');
  }
  if (!Number.isSafeInteger(backoffMs) || (backoffMs as number) < 0 || (backoffMs as number) > 60_000) {
    problems.add('retries.backoffMs', `must be an integer from 0 to 60000, got ${JSON.stringify(backoffMs)}`, 'give the delay before the second try in milliseconds, such as 1000');
  }
}

/**
 * Checks a parsed plugin.json. Returns the typed manifest, or every problem found,
 * each with the field's path and the fix.
 */
export function validateManifest(raw: unknown): ManifestCheck {
  const problems = new ProblemList();
  if (!isObject(raw)) {
    problems.add('(top)', 'must be a JSON object', 'write { "name": ..., "kind": ..., "protocol": [1], "actions": [...], "retry": [], "entry": {...} }');
    return { ok: false, problems: problems.problems };
  }

  checkUnknownFields(raw, FIELDS, '', problems);
  checkName(raw.name, problems);
  const kind = checkKind(raw.kind, problems);
  checkProtocol(raw.protocol, problems);
  const actions = checkActions(raw.actions, kind, problems);
  checkRetry(raw.retry, actions, problems);
  checkEntry(raw.entry, problems);
  checkTimeouts(raw.timeouts, actions, problems);
  checkRetries(raw.retries, problems);
  if (raw.description !== undefined && typeof raw.description !== 'string') {
    problems.add('description', `must be a string, got ${JSON.stringify(raw.description)}`, 'write one line for people, or remove the field');
  }

  if (problems.problems.length > 0) return { ok: false, problems: problems.problems };
  return { ok: true, manifest: raw as unknown as PluginManifest };
}

/** Renders problems one per line: `entry.executable: is missing (fix: ...)`. */
export function formatProblems(problems: readonly ManifestProblem[]): string {
  return problems.map((item) => `${item.path}: ${item.problem} (fix: ${item.fix})`).join('\n');
}
