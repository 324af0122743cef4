import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { IMAGE_SOURCE_SETTINGS, redactUrl, requireAllowedFile, type ImageSourcePolicy } from '../../lib/image-source-policy.js';
import { requireAbsolutePath } from '../../lib/path-checks.js';
import { openDownload, tooLargeError } from '../../lib/url-fetcher.js';
import type { ImageCall } from './image-call.js';

/** An opened image source: its bytes, and how to report it as too large. */
export interface ImageSource {
  stream: Readable;
  tooLarge(detail: string): Error;
}

const URL_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

function unsupportedScheme(location: string, scheme: string, subject: string): Error {
  return new Error(
    `the image location ${location} for ${subject} uses the scheme ${scheme}:, which this driver does not fetch (it takes http:, https: and file: URLs and local paths); ` +
      `serve the image over http or https from a prefix listed in ${IMAGE_SOURCE_SETTINGS.urlAllow}, or copy it into a folder listed in ${IMAGE_SOURCE_SETTINGS.pathAllow}`,
  );
}

function localTooLarge(file: string, policy: ImageSourcePolicy, subject: string): (detail: string) => Error {
  const limitMb = policy.maxBytes / (1024 * 1024);
  return (detail) => new Error(`the file ${file} for ${subject} is too large: ${detail}, more than the limit of ${limitMb} MiB; raise ${IMAGE_SOURCE_SETTINGS.maxMb} or use a smaller image`);
}

async function openLocalFile(requestedPath: string, policy: ImageSourcePolicy, call: ImageCall): Promise<ImageSource> {
  const absolute = requireAbsolutePath(requestedPath, `image path of ${call.subject}`);
  let resolved: string;
  try {
    resolved = await realpath(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new Error(`the image file ${absolute} for ${call.subject} does not exist; check the path`, { cause: error });
  }
  requireAllowedFile(resolved, absolute, policy, call.subject);

  const info = await stat(resolved);
  if (!info.isFile()) throw new Error(`the image path ${absolute} for ${call.subject} is not a regular file; pass an image file`);
  const tooLarge = localTooLarge(resolved, policy, call.subject);
  if (info.size > policy.maxBytes) throw tooLarge(`${info.size} bytes`);

  call.info(`copying ${resolved} into the datastore`);
  return { stream: createReadStream(resolved), tooLarge };
}

function localPathOfFileUrl(url: URL, location: string, subject: string): string {
  if (url.hostname !== '' && url.hostname !== 'localhost') {
    throw new Error(`the file URL ${location} for ${subject} names the host ${url.hostname}; file: URLs must name a file on this machine (file:///path)`);
  }
  return fileURLToPath(url);
}

async function openRemoteUrl(url: URL, policy: ImageSourcePolicy, call: ImageCall, signal: AbortSignal): Promise<ImageSource> {
  const download = await openDownload(url, policy, { subject: call.subject, signal, progress: (text) => call.info(text) });
  const length = download.contentLength === undefined ? '' : ` (${download.contentLength} bytes)`;
  call.info(`downloading ${redactUrl(download.url)}${length}`);
  return { stream: download.body, tooLarge: (detail) => tooLargeError(download.url, policy, call.subject, detail) };
}

/** Returns a request's image location for messages, with any URL password replaced by "***". */
export function redactLocation(location: string): string {
  if (!URL_SCHEME.test(location)) return location;
  try {
    return redactUrl(new URL(location));
  } catch {
    return location;
  }
}

/**
 * Opens the bytes of an image named by a local path or an http, https or file URL,
 * after checking it against the policy. `signal` also carries the download timeout.
 */
export async function openImageSource(location: string, policy: ImageSourcePolicy, call: ImageCall, signal: AbortSignal): Promise<ImageSource> {
  const scheme = URL_SCHEME.exec(location)?.[1]?.toLowerCase();
  if (scheme === undefined) return openLocalFile(location, policy, call);

  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new Error(`the image location "${location}" for ${call.subject} is not a valid URL; check its spelling`);
  }

  if (scheme === 'file') return openLocalFile(localPathOfFileUrl(url, location, call.subject), policy, call);
  if (scheme === 'http' || scheme === 'https') return openRemoteUrl(url, policy, call, signal);
  throw unsupportedScheme(redactUrl(url), scheme, call.subject);
}
