import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { PROTOCOL_VERSIONS } from '../drivers/protocol/index.js';
import { isExecutableEntry, MANIFEST_FILE, type PluginManifest } from './manifest.js';
import { PluginRejection } from './plugin-rejection.js';
import { formatProblems, validateManifest } from './validate-manifest.js';

/** A plugin whose files pass every check that needs no running driver. */
export interface PluginCandidate {
  /** Absolute path of the plugin folder. */
  dir: string;
  manifest: PluginManifest;
  /** The highest protocol version both the plugin and the core speak. */
  version: number;
  /** Absolute path of the executable or module. */
  entryPath: string;
}

/** Returns the highest version in both lists, or undefined when they share none. */
export function chooseProtocolVersion(pluginVersions: readonly number[], coreVersions: readonly number[] = PROTOCOL_VERSIONS): number | undefined {
  const shared = pluginVersions.filter((version) => coreVersions.includes(version));
  return shared.length > 0 ? Math.max(...shared) : undefined;
}

/** Reads and validates plugin.json. Throws a BAD_MANIFEST PluginRejection. */
export async function readManifest(dir: string): Promise<PluginManifest> {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PluginRejection('BAD_MANIFEST', dir, `${file} could not be read: ${(error as Error).message}`);
  }

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PluginRejection('BAD_MANIFEST', dir, `${file} is not valid JSON: ${(error as Error).message}`);
  }

  const check = validateManifest(raw);
  if (!check.ok) {
    const count = check.problems.length === 1 ? '1 problem' : `${check.problems.length} problems`;
    throw new PluginRejection('BAD_MANIFEST', dir, `${file} has ${count}:\n${formatProblems(check.problems)}`, check.problems);
  }
  return check.manifest;
}

async function checkEntryFile(dir: string, manifest: PluginManifest): Promise<string> {
  const relative = isExecutableEntry(manifest.entry) ? manifest.entry.executable : manifest.entry.module;
  const entryPath = path.resolve(dir, relative);

  let isFile: boolean;
  try {
    isFile = (await stat(entryPath)).isFile();
  } catch {
    throw new PluginRejection('ENTRY_MISSING', dir, `the entry ${entryPath} does not exist; add the file or correct "entry" in plugin.json`);
  }
  if (!isFile) throw new PluginRejection('ENTRY_MISSING', dir, `the entry ${entryPath} is not a file; name the driver file in "entry"`);

  if (isExecutableEntry(manifest.entry)) {
    try {
      await access(entryPath, constants.X_OK);
    } catch {
      throw new PluginRejection('ENTRY_NOT_EXECUTABLE', dir, `the entry ${entryPath} is not executable; run "chmod +x ${relative}" in the plugin folder`);
    }
  }
  return entryPath;
}

function checkProtocolVersion(dir: string, manifest: PluginManifest): number {
  const version = chooseProtocolVersion(manifest.protocol);
  if (version === undefined) {
    const reason = `the plugin speaks protocol ${manifest.protocol.join(', ')} and this core speaks ${PROTOCOL_VERSIONS.join(', ')}; install a plugin release for protocol ${PROTOCOL_VERSIONS.join(' or ')}`;
    throw new PluginRejection('UNSUPPORTED_PROTOCOL', dir, reason);
  }
  return version;
}

/** One step of loading a plugin and how it went; the verifier prints these. */
export interface LoadStep {
  name: string;
  ok: boolean;
  detail: string;
}

export type StepListener = (step: LoadStep) => void;

/** Runs one step, reports it to `onStep`, and rethrows its failure. */
export async function runStep<T>(name: string, onStep: StepListener | undefined, work: () => Promise<T> | T, describe: (value: T) => string): Promise<T> {
  try {
    const value = await work();
    onStep?.({ name, ok: true, detail: describe(value) });
    return value;
  } catch (error) {
    onStep?.({ name, ok: false, detail: error instanceof PluginRejection ? error.describe() : String(error) });
    throw error;
  }
}

/**
 * Checks a plugin folder without starting anything: the manifest, the entry file and
 * the protocol versions. Throws a PluginRejection with the first failed check.
 */
export async function inspectPlugin(dir: string, onStep?: StepListener): Promise<PluginCandidate> {
  const absolute = path.resolve(dir);
  const manifest = await runStep('manifest', onStep, () => readManifest(absolute), (found) => `${found.kind} plugin "${found.name}" claims ${found.actions.join(', ')}`);
  const entryPath = await runStep('entry', onStep, () => checkEntryFile(absolute, manifest), (found) => found);
  const version = await runStep('protocol', onStep, () => checkProtocolVersion(absolute, manifest), (found) => `version ${found} is spoken by both`);
  return { dir: absolute, manifest, version, entryPath };
}
