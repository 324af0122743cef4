import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { IMAGE_SOURCE_SETTINGS, redactUrl, requireAllowedUrl, type ImageSourcePolicy } from './image-source-policy.js';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** A download whose response headers arrived with status 200 and whose body is ready to read. */
export interface OpenedDownload {
  body: IncomingMessage;
  /** The URL the body comes from, after redirects. */
  url: URL;
  /** Content-Length, when the server sent one. */
  contentLength?: number;
}

export interface DownloadOptions {
  /** The object the download is for, in messages, such as "image 7". */
  subject: string;
  /** Aborts the request and the body (driver stopping, overall timeout). */
  signal?: AbortSignal;
  /** Receives progress lines, such as redirects followed. */
  progress?: (text: string) => void;
}

/** Builds the error for a body larger than the policy allows. */
export function tooLargeError(url: URL, policy: ImageSourcePolicy, subject: string, detail: string): Error {
  const limitMb = policy.maxBytes / (1024 * 1024);
  return new Error(`the download of ${redactUrl(url)} for ${subject} was cut off: ${detail}, more than the limit of ${limitMb} MiB; raise ${IMAGE_SOURCE_SETTINGS.maxMb} or use a smaller image`);
}

function requireHttpScheme(url: URL, subject: string): void {
  if (url.protocol === 'http:' || url.protocol === 'https:') return;
  throw new Error(`a redirect for ${subject} pointed to ${redactUrl(url)}, whose scheme ${url.protocol} is not downloaded (only http: and https: are followed); serve the image over http or https from an allowed host`);
}

function sendRequest(url: URL, policy: ImageSourcePolicy, options: DownloadOptions): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;

  return new Promise((resolve, reject) => {
    const request = client.get(url, { signal: options.signal, headers: { 'user-agent': 'stratus-image-fs', accept: '*/*' } });
    let response: IncomingMessage | undefined;

    request.setTimeout(policy.idleTimeoutMs, () => {
      const seconds = policy.idleTimeoutMs / 1000;
      const error = new Error(`the download of ${redactUrl(url)} for ${options.subject} received no data for ${seconds} s; check that the server is up, or raise ${IMAGE_SOURCE_SETTINGS.idleTimeoutSeconds}`);
      request.destroy(error);
      response?.destroy(error);
    });
    request.on('response', (incoming) => {
      response = incoming;
      resolve(incoming);
    });
    // Once the response has arrived, a request error also fails the response body, which the caller reads.
    request.on('error', (error) => {
      if (response === undefined) reject(connectionError(url, options.subject, error));
    });
  });
}

function connectionError(url: URL, subject: string, error: Error): Error {
  if (error.name === 'AbortError') return error;
  if (error.message.includes(redactUrl(url))) return error;
  return new Error(`the download of ${redactUrl(url)} for ${subject} failed: ${error.message}; check the URL and that the server is reachable`, { cause: error });
}

function redirectTarget(response: IncomingMessage, current: URL, subject: string): URL {
  const location = response.headers.location;
  if (location === undefined || location === '') {
    throw new Error(`the server responded to ${redactUrl(current)} for ${subject} with redirect ${response.statusCode} but no Location header; fix the server or use the final URL`);
  }
  try {
    return new URL(location, current);
  } catch {
    throw new Error(`the server redirected ${redactUrl(current)} for ${subject} to an invalid URL "${location}"; fix the server or use the final URL`);
  }
}

function contentLengthOf(response: IncomingMessage): number | undefined {
  const header = response.headers['content-length'];
  if (header === undefined) return undefined;
  const length = Number(header);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/**
 * Requests `url` and follows redirects, each of which must lead to an allowed http or
 * https URL, up to the policy's limit. Resolves once a 200 response arrives and its
 * announced length fits the policy; the caller reads and limits the body.
 */
export async function openDownload(url: URL, policy: ImageSourcePolicy, options: DownloadOptions): Promise<OpenedDownload> {
  let current = url;

  for (let redirects = 0; ; redirects += 1) {
    requireHttpScheme(current, options.subject);
    requireAllowedUrl(current, policy, options.subject);
    const response = await sendRequest(current, policy, options);
    const status = response.statusCode ?? 0;

    if (REDIRECT_STATUSES.has(status)) {
      response.resume();
      if (redirects >= policy.maxRedirects) {
        throw new Error(`the download of ${redactUrl(url)} for ${options.subject} was redirected more than ${policy.maxRedirects} times; use the final URL`);
      }
      const next = redirectTarget(response, current, options.subject);
      options.progress?.(`${redactUrl(current)} redirects to ${redactUrl(next)}`);
      current = next;
      continue;
    }

    if (status !== 200) {
      response.resume();
      throw new Error(`the download of ${redactUrl(current)} for ${options.subject} failed with HTTP ${status} ${response.statusMessage ?? ''}`.trimEnd() + '; check the URL');
    }

    const contentLength = contentLengthOf(response);
    if (contentLength !== undefined && contentLength > policy.maxBytes) {
      response.destroy();
      throw tooLargeError(current, policy, options.subject, `the server announced ${contentLength} bytes`);
    }
    return { body: response, url: current, contentLength };
  }
}
