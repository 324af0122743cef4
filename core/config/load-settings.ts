import { readFileSync } from 'node:fs';
import { Template, TemplateError, type VectorAttribute } from '../template/index.js';
import { ConfigError } from './config-error.js';
import { MONITOR_SETTING_NAMES, readMonitorSection } from './monitor-section.js';
import { PLUGIN_SETTING_NAMES, readPluginSection } from './plugin-section.js';
import { readSchedulerSection, SCHEDULER_SETTING_NAMES } from './scheduler-section.js';
import { makeReader, type Reader } from './setting-reader.js';
import { DEFAULT_SETTINGS, type Settings } from './settings.js';

export { ConfigError };

/**
 * Reads a stratusd configuration file, written in OpenNebula's template syntax like
 * oned.conf, over the defaults. A missing file means all defaults. Unknown settings
 * are errors, so that a misspelt name does not go unnoticed.
 */
export function loadSettings(file: string | undefined): Settings {
  if (!file) return structuredClone(DEFAULT_SETTINGS);

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(DEFAULT_SETTINGS);
    throw new ConfigError(`cannot read configuration file ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }

  let template: Template;
  try {
    template = Template.parseText(text);
  } catch (error) {
    const reason = error instanceof TemplateError ? error.message : String(error);
    throw new ConfigError(`${file}: ${reason}`, { cause: error });
  }

  return applySettings(template, file);
}

const KNOWN = {
  top: ['LISTEN_ADDRESS', 'PORT', 'LOG', 'DB', 'RPC', 'AUTH', 'DEFAULT_UMASK', 'API_LIST_ORDER', 'PLUGINS', 'SCHEDULER', 'MONITOR', 'VM_LOG'],
  LOG: ['LEVEL'],
  DB: ['BACKEND', 'SYNCHRONOUS', 'BUSY_TIMEOUT_MS'],
  RPC: [
    'MAX_BODY_BYTES', 'MAX_DEPTH', 'MAX_STRING_LENGTH', 'MAX_PARAMS', 'MAX_CONNECTIONS',
    'MAX_CONCURRENT_CALLS', 'REQUEST_TIMEOUT_MS', 'KEEPALIVE_TIMEOUT_MS',
  ],
  AUTH: ['MAX_TOKEN_SECONDS'],
  PLUGINS: PLUGIN_SETTING_NAMES,
  SCHEDULER: SCHEDULER_SETTING_NAMES,
  MONITOR: MONITOR_SETTING_NAMES,
  VM_LOG: ['MAX_BYTES'],
} as const;

function checkKnown(file: string, section: string, names: string[], known: readonly string[]): void {
  for (const name of names) {
    if (!known.includes(name)) {
      const where = section ? `${section}/${name}` : name;
      throw new ConfigError(`${file}: unknown setting ${where}; the shipped etc/stratusd.conf lists every setting`);
    }
  }
}

function vectorReader(file: string, template: Template, section: keyof typeof KNOWN): Reader {
  const vector: VectorAttribute | undefined = template.getVector(section);
  if (vector) checkKnown(file, section, vector.entries().map(([name]) => name), KNOWN[section]);
  return makeReader(file, section, (name) => vector?.get(name));
}

function applySettings(template: Template, file: string): Settings {
  checkKnown(file, '', template.attributes().map((a) => a.name), KNOWN.top);
  const settings = structuredClone(DEFAULT_SETTINGS);

  const top = makeReader(file, '', (name) => template.get(name));
  settings.listenAddress = top.text('LISTEN_ADDRESS', settings.listenAddress);
  settings.port = top.int('PORT', settings.port, 0, 65535);
  settings.defaultUmask = top.octal('DEFAULT_UMASK', settings.defaultUmask);
  settings.listOrder = top.choice('API_LIST_ORDER', settings.listOrder, ['ASC', 'DESC'] as const);

  const log = vectorReader(file, template, 'LOG');
  settings.logLevel = log.choice('LEVEL', settings.logLevel, ['error', 'warn', 'info', 'debug']);

  const db = vectorReader(file, template, 'DB');
  db.choice('BACKEND', 'sqlite', ['sqlite'] as const);
  settings.db.synchronous = db.choice('SYNCHRONOUS', settings.db.synchronous, ['FULL', 'NORMAL'] as const);
  settings.db.busyTimeoutMs = db.int('BUSY_TIMEOUT_MS', settings.db.busyTimeoutMs);

  const rpc = vectorReader(file, template, 'RPC');
  settings.rpc.maxBodyBytes = rpc.int('MAX_BODY_BYTES', settings.rpc.maxBodyBytes, 1024);
  settings.rpc.maxDepth = rpc.int('MAX_DEPTH', settings.rpc.maxDepth, 2);
  settings.rpc.maxStringLength = rpc.int('MAX_STRING_LENGTH', settings.rpc.maxStringLength, 256);
  settings.rpc.maxParams = rpc.int('MAX_PARAMS', settings.rpc.maxParams, 16);
  settings.rpc.maxConnections = rpc.int('MAX_CONNECTIONS', settings.rpc.maxConnections, 1);
  settings.rpc.maxConcurrentCalls = rpc.int('MAX_CONCURRENT_CALLS', settings.rpc.maxConcurrentCalls, 1);
  settings.rpc.requestTimeoutMs = rpc.int('REQUEST_TIMEOUT_MS', settings.rpc.requestTimeoutMs, 100);
  settings.rpc.keepAliveTimeoutMs = rpc.int('KEEPALIVE_TIMEOUT_MS', settings.rpc.keepAliveTimeoutMs, 100);

  const auth = vectorReader(file, template, 'AUTH');
  settings.auth.maxTokenSeconds = auth.int('MAX_TOKEN_SECONDS', settings.auth.maxTokenSeconds, 1);

  settings.plugins = readPluginSection(vectorReader(file, template, 'PLUGINS'), settings.plugins);
  settings.scheduler = readSchedulerSection(vectorReader(file, template, 'SCHEDULER'), settings.scheduler);
  settings.monitor = readMonitorSection(vectorReader(file, template, 'MONITOR'), settings.monitor);

  const vmLog = vectorReader(file, template, 'VM_LOG');
  settings.vmLog.maxBytes = vmLog.int('MAX_BYTES', settings.vmLog.maxBytes, 4096);

  return settings;
}
