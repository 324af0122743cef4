import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isInsideFolder, resolveFolders } from './path-checks.js';

/** Environment variables that configure where images may be registered from. */
export const IMAGE_SOURCE_SETTINGS = {
  /** Allowed URL prefixes, `scheme://host[:port][/path]`, separated by spaces or commas. */
  urlAllow: 'STRATUS_IMAGE_URL_ALLOW',
  /** Allowed local folders, separated by ":" as in PATH. */
  pathAllow: 'STRATUS_IMAGE_PATH_ALLOW',
  /** A file with one allowed URL prefix or absolute folder per line; "#" starts a comment. */
  sourcesFile: 'STRATUS_IMAGE_SOURCES_FILE',
  /** Largest image accepted, in MiB. */
  maxMb: 'STRATUS_IMAGE_MAX_MB',
  /** Time a whole download may take, in seconds. */
  timeoutSeconds: 'STRATUS_IMAGE_DOWNLOAD_TIMEOUT_S',
  /** Time a download may go without receiving data, in seconds. */
  idleTimeoutSeconds: 'STRATUS_IMAGE_IDLE_TIMEOUT_S',
} as const;

/** 64 GiB: a default, not a measured figure; sites with larger images raise it. */
const DEFAULT_MAX_MB = 65_536;
/** Below REGISTER's default deadline of 3600 s, so that the driver reports the timeout itself. */
const DEFAULT_TIMEOUT_SECONDS = 3300;
const DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
const MAX_REDIRECTS = 5;

/** One allowed URL prefix. */
export interface AllowedUrlPrefix {
  /** The entry as configured, for messages. */
  text: string;
  protocol: string;
  hostname: string;
  port: string;
  /** Path prefix, ending with "/"; "/" allows every path. */
  pathPrefix: string;
}

export interface ImageSourcePolicy {
  urlPrefixes: AllowedUrlPrefix[];
  /** Allowed local folders, with symbolic links resolved. */
  folders: string[];
  maxBytes: number;
  timeoutMs: number;
  idleTimeoutMs: number;
  maxRedirects: number;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

/** Returns the port a URL connects to, with the scheme's default filled in. */
export function effectivePort(url: URL): string {
  return url.port !== '' ? url.port : (DEFAULT_PORTS[url.protocol] ?? '');
}

function parseUrlPrefix(entry: string, origin: string): AllowedUrlPrefix {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw new Error(`the allowed URL prefix "${entry}" in ${origin} is not a URL; write it as scheme://host[:port][/path]`);
  }
  if (!(url.protocol in DEFAULT_PORTS) || url.hostname === '') {
    throw new Error(`the allowed URL prefix "${entry}" in ${origin} must be an http:// or https:// URL with a host; list local folders in ${IMAGE_SOURCE_SETTINGS.pathAllow}`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new Error(`the allowed URL prefix "${entry}" in ${origin} may not contain credentials, a query or a fragment; remove them`);
  }

  const pathPrefix = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return { text: entry, protocol: url.protocol, hostname: url.hostname, port: effectivePort(url), pathPrefix };
}

function parsePositiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.trim());
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`the setting ${name}="${raw}" is invalid; set it to a positive whole number or unset it (default ${fallback})`);
  }
  return value;
}

function splitList(raw: string | undefined, separator: RegExp): string[] {
  return (raw ?? '')
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

async function readSourcesFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`the image sources file ${file} (${IMAGE_SOURCE_SETTINGS.sourcesFile}) could not be read: ${(error as Error).message}; fix the path or unset the setting`, { cause: error });
  }
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '');
}

/** Reads the policy from the environment and the optional sources file; throws on an invalid entry. */
export async function loadImageSourcePolicy(env: NodeJS.ProcessEnv = process.env): Promise<ImageSourcePolicy> {
  const urlEntries = splitList(env[IMAGE_SOURCE_SETTINGS.urlAllow], /[\s,]+/).map((entry) => parseUrlPrefix(entry, IMAGE_SOURCE_SETTINGS.urlAllow));
  const folderEntries = splitList(env[IMAGE_SOURCE_SETTINGS.pathAllow], new RegExp(path.delimiter));

  const sourcesFile = env[IMAGE_SOURCE_SETTINGS.sourcesFile];
  if (sourcesFile !== undefined && sourcesFile.trim() !== '') {
    for (const line of await readSourcesFile(sourcesFile.trim())) {
      if (path.isAbsolute(line)) folderEntries.push(line);
      else urlEntries.push(parseUrlPrefix(line, sourcesFile));
    }
  }

  for (const folder of folderEntries) {
    if (!path.isAbsolute(folder)) {
      throw new Error(`the allowed folder "${folder}" in ${IMAGE_SOURCE_SETTINGS.pathAllow} is not an absolute path; write the full path`);
    }
  }

  return {
    urlPrefixes: urlEntries,
    folders: await resolveFolders(folderEntries),
    maxBytes: parsePositiveInteger(env, IMAGE_SOURCE_SETTINGS.maxMb, DEFAULT_MAX_MB) * 1024 * 1024,
    timeoutMs: parsePositiveInteger(env, IMAGE_SOURCE_SETTINGS.timeoutSeconds, DEFAULT_TIMEOUT_SECONDS) * 1000,
    idleTimeoutMs: parsePositiveInteger(env, IMAGE_SOURCE_SETTINGS.idleTimeoutSeconds, DEFAULT_IDLE_TIMEOUT_SECONDS) * 1000,
    maxRedirects: MAX_REDIRECTS,
  };
}

function matchesPrefix(url: URL, prefix: AllowedUrlPrefix): boolean {
  if (url.protocol !== prefix.protocol || url.hostname !== prefix.hostname || effectivePort(url) !== prefix.port) return false;
  if (prefix.pathPrefix === '/') return true;
  return url.pathname.startsWith(prefix.pathPrefix) || `${url.pathname}/` === prefix.pathPrefix;
}

/** Returns the URL for messages, with any password replaced by "***". */
export function redactUrl(url: URL): string {
  if (url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.password = '***';
  return copy.href;
}

/** Throws unless an http or https URL matches an allowed prefix; the message names the URL, the rule and the setting. */
export function requireAllowedUrl(url: URL, policy: ImageSourcePolicy, subject: string): void {
  if (policy.urlPrefixes.some((prefix) => matchesPrefix(url, prefix))) return;

  const allowed = policy.urlPrefixes.length === 0 ? 'none, so no remote host is allowed' : policy.urlPrefixes.map((prefix) => prefix.text).join(', ');
  const origin = `${url.protocol}//${url.host}`;
  throw new Error(
    `the URL ${redactUrl(url)} for ${subject} is not allowed: only URLs under an allowed prefix may be downloaded (allowed: ${allowed}); ` +
      `to allow it, add "${origin}" to ${IMAGE_SOURCE_SETTINGS.urlAllow} or to the file named by ${IMAGE_SOURCE_SETTINGS.sourcesFile}`,
  );
}

/** Throws unless `resolvedFile` (symbolic links resolved) lies in an allowed folder. */
export function requireAllowedFile(resolvedFile: string, requestedPath: string, policy: ImageSourcePolicy, subject: string): void {
  if (policy.folders.some((folder) => isInsideFolder(resolvedFile, folder))) return;

  const allowed = policy.folders.length === 0 ? 'none' : policy.folders.join(', ');
  const displayedPath = resolvedFile === requestedPath ? requestedPath : `${requestedPath} (resolved to ${resolvedFile})`;
  throw new Error(
    `the local file ${displayedPath} for ${subject} is not allowed: only files in an allowed folder may be registered (allowed: ${allowed}); ` +
      `to allow it, add its folder to ${IMAGE_SOURCE_SETTINGS.pathAllow} (folders separated by "${path.delimiter}") or to the file named by ${IMAGE_SOURCE_SETTINGS.sourcesFile}`,
  );
}
