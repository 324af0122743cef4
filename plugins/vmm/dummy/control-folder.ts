import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The outcome a control file scripts for an action, in place of an immediate success. */
export type ScriptedOutcome =
  | { kind: 'fail'; message: string }
  | { kind: 'hang' }
  | { kind: 'delay'; ms: number }
  | { kind: 'crash' };

/** A control file and the outcome it scripts. */
export interface Script {
  file: string;
  outcome: ScriptedOutcome;
}

const DIRECTIVES = '"fail MESSAGE", "hang", "delay MILLISECONDS" or "crash"';

/**
 * Returns the folder the dummy driver reads control files from:
 * $STRATUS_DUMMY_CONTROL, else $STRATUS_HOME/dummy-control, else none.
 */
export function controlFolderFrom(environment: NodeJS.ProcessEnv): string | undefined {
  if (environment.STRATUS_DUMMY_CONTROL) return path.resolve(environment.STRATUS_DUMMY_CONTROL);
  if (environment.STRATUS_HOME) return path.resolve(environment.STRATUS_HOME, 'dummy-control');
  return undefined;
}

/** Parses a control file: its first line that is neither blank nor a `#` comment. */
export function parseScript(text: string, file: string): ScriptedOutcome {
  const line = text
    .split('\n')
    .map((candidate) => candidate.trim())
    .find((candidate) => candidate !== '' && !candidate.startsWith('#'));
  const [directive, ...words] = (line ?? '').split(/\s+/);
  const argument = words.join(' ');

  switch (directive) {
    case 'fail':
      return { kind: 'fail', message: argument === '' ? `failure scripted by ${file}` : argument };
    case 'hang':
      return { kind: 'hang' };
    case 'delay':
      if (!/^\d+$/.test(argument)) throw new Error(`${file}: "delay" needs a whole number of milliseconds, such as "delay 500"`);
      return { kind: 'delay', ms: Number(argument) };
    case 'crash':
      return { kind: 'crash' };
    default:
      throw new Error(`${file}: unknown directive "${line ?? ''}"; write ${DIRECTIVES}`);
  }
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** Characters a subject may have to name a file; a host name with others (such as "/") gets the action file only. */
const FILE_NAME_SAFE = /^[A-Za-z0-9._-]+$/;

/** Finds the control file of a call: `<ACTION>.<subject>` (a VM id or a host) first, then `<ACTION>`. */
export async function findScript(folder: string | undefined, action: string, subject: string): Promise<Script | undefined> {
  if (folder === undefined) return undefined;

  const names = FILE_NAME_SAFE.test(subject) ? [`${action}.${subject}`, action] : [action];
  for (const name of names) {
    const file = path.join(folder, name);
    const text = await readIfPresent(file);
    if (text !== undefined) return { file, outcome: parseScript(text, file) };
  }
  return undefined;
}

/**
 * Returns a promise that never settles. The core fails the call at its deadline
 * (TIMEOUT) or when the driver is stopped (STOPPED). Nothing keeps the promise alive
 * after that, so it is garbage-collected.
 */
function never(): Promise<never> {
  return new Promise<never>(() => undefined);
}

/**
 * Plays a scripted outcome. Resolves when the action should go on and succeed
 * (after a delay), throws for a failure, and never settles for a hang. `stopped`
 * aborts when the driver stops, which ends a delay without a reply.
 */
export async function playScript(script: Script, action: string, stopped: AbortSignal): Promise<void> {
  const { outcome, file } = script;
  switch (outcome.kind) {
    case 'fail':
      throw new Error(outcome.message);
    case 'crash':
      throw new Error(`the dummy driver crashed during ${action}, as ${file} scripts`);
    case 'hang':
      return never();
    case 'delay':
      try {
        await sleep(outcome.ms, undefined, { signal: stopped });
      } catch (error) {
        if (stopped.aborted) return never();
        throw error;
      }
  }
}
