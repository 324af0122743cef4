import { DRIVER_KINDS, findAction, type DriverKind } from '../drivers/protocol/index.js';
import type { DriverCallSettings } from '../drivers/runtime/driver-manager.js';
import { FOLDER_VARIABLES, unknownFolderVariables } from './plugin-folders.js';
import type { Reader } from './setting-reader.js';
import type { PluginSectionSettings } from './settings.js';

/** The settings of the PLUGINS section, as etc/stratusd.conf documents them. */
export const PLUGIN_SETTING_NAMES = [
  'FOLDERS', 'WATCH', 'DEBOUNCE_MS', 'PROBE_ACTIONS', 'PROBE_TIMEOUT_MS',
  'INIT_TIMEOUT_MS', 'STOP_TIMEOUT_MS', 'MAX_LINE_BYTES', 'MAX_STDERR_LINE_CHARS',
  'MAX_STDERR_LINES_PER_MINUTE', 'MAX_RESTARTS_PER_MINUTE', 'RESTART_BACKOFF_MS',
  'MAX_RESTART_BACKOFF_MS', 'ACTION_TIMEOUTS', 'RETRY_ATTEMPTS', 'RETRY_BACKOFF_MS',
  'MAX_RETRY_BACKOFF_MS',
] as const;

const ACTION_TIMEOUT = /^([a-z]+)\/([A-Z_]+)\s*=\s*(\d+)$/;

function readFolders(reader: Reader, current: readonly string[]): string[] {
  const folders = reader.list('FOLDERS', current);
  const known = Object.keys(FOLDER_VARIABLES).map((name) => `$${name}`).join(' and ');
  if (folders.length === 0) {
    throw reader.invalid('FOLDERS', '', 'must name at least one folder, or no user could log in (the core auth plugin is in $STRATUS_ROOT/dist/plugins/auth)');
  }

  for (const folder of folders) {
    const unknown = unknownFolderVariables(folder);
    if (unknown.length > 0) throw reader.invalid('FOLDERS', folder, `may use only the variables ${known}, not $${unknown[0]}`);
  }
  return folders;
}

/** Reads ACTION_TIMEOUTS, such as "vmm/DEPLOY=300, transfer/CLONE=7200", checked against the protocol declaration. */
function readActionTimeouts(reader: Reader, current: DriverCallSettings['timeouts']): DriverCallSettings['timeouts'] {
  const items = reader.list('ACTION_TIMEOUTS', []);
  if (items.length === 0) return structuredClone(current);

  const timeouts: Partial<Record<DriverKind, Record<string, number>>> = {};
  for (const item of items) {
    const match = ACTION_TIMEOUT.exec(item);
    if (match === null) throw reader.invalid('ACTION_TIMEOUTS', item, 'must list KIND/ACTION=SECONDS items such as "vmm/DEPLOY=300"');

    const [, kindName, action, seconds] = match;
    const kind = DRIVER_KINDS.find((known) => known === kindName);
    if (kind === undefined) throw reader.invalid('ACTION_TIMEOUTS', item, `names a kind that is not one of ${DRIVER_KINDS.join(', ')}`);
    if (findAction(kind, action) === undefined) throw reader.invalid('ACTION_TIMEOUTS', item, `names an action that the ${kind} protocol does not have`);
    if (Number(seconds) < 1) throw reader.invalid('ACTION_TIMEOUTS', item, 'must give at least 1 second');

    timeouts[kind] = { ...timeouts[kind], [action]: Number(seconds) };
  }
  return timeouts;
}

/** Reads the PLUGINS section over `current`, the defaults. */
export function readPluginSection(reader: Reader, current: PluginSectionSettings): PluginSectionSettings {
  const { runtime, calls } = current;
  return {
    folders: readFolders(reader, current.folders),
    watch: reader.flag('WATCH', current.watch),
    debounceMs: reader.int('DEBOUNCE_MS', current.debounceMs, 0),
    probeActions: reader.flag('PROBE_ACTIONS', current.probeActions),
    probeTimeoutMs: reader.int('PROBE_TIMEOUT_MS', current.probeTimeoutMs, 100),
    runtime: {
      initTimeoutMs: reader.int('INIT_TIMEOUT_MS', runtime.initTimeoutMs, 100),
      stopGraceMs: reader.int('STOP_TIMEOUT_MS', runtime.stopGraceMs, 100),
      maxLineBytes: reader.int('MAX_LINE_BYTES', runtime.maxLineBytes, 4096),
      maxStderrLineChars: reader.int('MAX_STDERR_LINE_CHARS', runtime.maxStderrLineChars, 80),
      maxStderrLinesPerMinute: reader.int('MAX_STDERR_LINES_PER_MINUTE', runtime.maxStderrLinesPerMinute, 0),
      maxRestartsPerMinute: reader.int('MAX_RESTARTS_PER_MINUTE', runtime.maxRestartsPerMinute, 0),
      restartBackoffMs: reader.int('RESTART_BACKOFF_MS', runtime.restartBackoffMs, 0),
      maxRestartBackoffMs: reader.int('MAX_RESTART_BACKOFF_MS', runtime.maxRestartBackoffMs, 0),
    },
    calls: {
      timeouts: readActionTimeouts(reader, calls.timeouts),
      retries: {
        attempts: reader.int('RETRY_ATTEMPTS', calls.retries.attempts, 1, 10),
        backoffMs: reader.int('RETRY_BACKOFF_MS', calls.retries.backoffMs, 0, 60_000),
      },
      maxBackoffMs: reader.int('MAX_RETRY_BACKOFF_MS', calls.maxBackoffMs, 0),
    },
  };
}
