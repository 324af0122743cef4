/**
 * The line format of executable drivers. The core writes requests on the driver's
 * standard input and reads replies and LOG lines from its standard output, one
 * message per line:
 *
 *   core → driver   INIT <version>
 *                   <ACTION> <request-id> <base64 of the JSON request>
 *                   FINALIZE
 *   driver → core   INIT SUCCESS <version>  |  INIT FAILURE <message>
 *                   <ACTION> SUCCESS <request-id> <base64 of the JSON reply, or ->
 *                   <ACTION> FAILURE <request-id> <message>
 *                   LOG <I|W|E|D> <object-id, or -1> <text>
 */

export type LogSeverity = 'I' | 'W' | 'E' | 'D';

export type DriverLine =
  | { kind: 'init'; ok: true; version: number }
  | { kind: 'init'; ok: false; message: string }
  | { kind: 'reply'; action: string; ok: true; requestId: number; payload: unknown }
  | { kind: 'reply'; action: string; ok: false; requestId: number; message: string }
  | { kind: 'log'; severity: LogSeverity; objectId: number; text: string }
  | { kind: 'invalid'; reason: string };

const ACTION_NAME = /^[A-Z][A-Z0-9_]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const INTEGER = /^-?\d+$/;
const SEVERITIES = new Set(['I', 'W', 'E', 'D']);

export function encodeInit(version: number): string {
  return `INIT ${version}\n`;
}

export const FINALIZE_LINE = 'FINALIZE\n';

export function encodeRequest(action: string, requestId: number, payload: unknown): string {
  const encoded = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64');
  return `${action} ${requestId} ${encoded}\n`;
}

/** Encodes a successful reply the way a driver writes it; module drivers and tests use it. */
export function encodeSuccess(action: string, requestId: number, payload: unknown): string {
  const isEmpty = payload === undefined || (typeof payload === 'object' && payload !== null && Object.keys(payload).length === 0);
  const encoded = isEmpty ? '-' : Buffer.from(JSON.stringify(payload), 'utf8').toString('base64');
  return `${action} SUCCESS ${requestId} ${encoded}\n`;
}

function splitFirst(text: string, count: number): string[] {
  const parts: string[] = [];
  let rest = text;
  for (let i = 0; i < count; i++) {
    const space = rest.indexOf(' ');
    if (space < 0) {
      parts.push(rest);
      return parts;
    }
    parts.push(rest.slice(0, space));
    rest = rest.slice(space + 1).replace(/^ +/, '');
  }
  parts.push(rest);
  return parts;
}

function decodePayload(encoded: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (encoded === '-' || encoded === '') return { ok: true, value: {} };
  if (!BASE64.test(encoded)) return { ok: false, reason: 'the reply payload is not base64' };
  try {
    return { ok: true, value: JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) };
  } catch (error) {
    return { ok: false, reason: `the reply payload is not base64-encoded JSON: ${(error as Error).message}` };
  }
}

function parseInit(parts: string[]): DriverLine {
  const [, result, rest = ''] = parts;
  if (result === 'SUCCESS') {
    const version = rest.split(' ')[0];
    if (!INTEGER.test(version)) return { kind: 'invalid', reason: 'INIT SUCCESS must carry the protocol version' };
    return { kind: 'init', ok: true, version: Number(version) };
  }
  if (result === 'FAILURE') return { kind: 'init', ok: false, message: rest || 'no reason given' };
  return { kind: 'invalid', reason: 'INIT replies are "INIT SUCCESS <version>" or "INIT FAILURE <message>"' };
}

function parseLog(parts: string[]): DriverLine {
  const [, severity, objectId, text = ''] = parts;
  if (!SEVERITIES.has(severity)) return { kind: 'invalid', reason: 'LOG severity must be I, W, E or D' };
  if (!INTEGER.test(objectId ?? '')) return { kind: 'invalid', reason: 'LOG needs an object id (-1 for none)' };
  return { kind: 'log', severity: severity as LogSeverity, objectId: Number(objectId), text };
}

/** Parses one line a driver wrote. Never throws: an unusable line is `invalid` with the reason. */
export function parseDriverLine(line: string): DriverLine {
  const text = line.replace(/\r?\n$/, '');
  const head = text.split(' ', 1)[0];

  if (head === 'INIT') return parseInit(splitFirst(text, 2));
  if (head === 'LOG') return parseLog(splitFirst(text, 3));
  if (!ACTION_NAME.test(head)) return { kind: 'invalid', reason: 'a line must start with an action name in capitals' };

  const [action, result, requestId, rest = ''] = splitFirst(text, 3);
  if (!INTEGER.test(requestId ?? '')) return { kind: 'invalid', reason: 'the reply has no request id' };

  if (result === 'FAILURE') {
    return { kind: 'reply', action, ok: false, requestId: Number(requestId), message: rest || 'no reason given' };
  }
  if (result !== 'SUCCESS') return { kind: 'invalid', reason: 'the result must be SUCCESS or FAILURE' };

  const payload = decodePayload(rest.trim());
  if (!payload.ok) return { kind: 'invalid', reason: payload.reason };
  return { kind: 'reply', action, ok: true, requestId: Number(requestId), payload: payload.value };
}
