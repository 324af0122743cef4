import { escapeXml } from '../../core/xml/escape.js';

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * An integer that is always sent as `<i8>`, even when it fits in 32 bits. OpenNebula's
 * failure responses end with `<i8>-1</i8>`.
 */
export class I8 {
  constructor(readonly value: number | bigint) {
    const inRange =
      typeof value === 'bigint'
        ? value >= INT64_MIN && value <= INT64_MAX
        : Number.isSafeInteger(value);
    if (!inRange) {
      throw new RangeError(`I8 needs a safe integer or a bigint in the int64 range, got ${value}`);
    }
  }
}

/** A value that serializeMethodResponse can send. Objects must be plain objects. */
export type ResponseValue =
  | string
  | number
  | boolean
  | I8
  | ResponseValue[]
  | { [key: string]: ResponseValue };

// C0 controls other than tab, line feed and carriage return, and U+FFFE and U+FFFF.
const FORBIDDEN_XML_CHARACTER = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/;
const FORBIDDEN_XML_CHARACTERS = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g;

const XML_DECLARATION = '<?xml version="1.0"?>\n';
const RESPONSE_START = `${XML_DECLARATION}<methodResponse><params><param>`;
const RESPONSE_END = '</param></params></methodResponse>';

/**
 * Serializes a successful method response with one parameter.
 * Throws TypeError for a value that XML-RPC cannot represent: NaN, an infinity, null,
 * undefined, an object that is not plain (other than I8), or a string containing a character
 * that XML 1.0 does not allow.
 */
export function serializeMethodResponse(value: ResponseValue): string {
  return RESPONSE_START + serializeValue(value) + RESPONSE_END;
}

/**
 * Serializes a fault response. The code is sent as `<i4>`, so it must be an int32.
 * Characters of the message that XML 1.0 does not allow become U+FFFD, so that a fault can
 * always be sent.
 */
export function serializeFault(code: number, message: string): string {
  if (!Number.isInteger(code) || code < INT32_MIN || code > INT32_MAX) {
    throw new RangeError(`fault code must be an int32 integer, got ${code}`);
  }

  const sendableMessage = message.replace(FORBIDDEN_XML_CHARACTERS, '\ufffd');
  return (
    `${XML_DECLARATION}<methodResponse><fault><value><struct>` +
    `<member><name>faultCode</name><value><i4>${code}</i4></value></member>` +
    '<member><name>faultString</name>' +
    `<value><string>${escapeText(sendableMessage)}</string></value></member>` +
    '</struct></value></fault></methodResponse>'
  );
}

/** Serializes one value as a `<value>` element. */
export function serializeValue(value: ResponseValue): string {
  switch (typeof value) {
    case 'string':
      return `<value><string>${escapeText(value)}</string></value>`;
    case 'number':
      return serializeNumber(value);
    case 'boolean':
      return value ? '<value><boolean>1</boolean></value>' : '<value><boolean>0</boolean></value>';
    case 'object':
      return serializeObject(value);
    default:
      throw new TypeError(`cannot serialize a value of type ${typeof value} as XML-RPC`);
  }
}

/**
 * Integers that fit in 32 bits become `<i4>`, other safe integers `<i8>`, and every other
 * number `<double>`. String() writes a double with an exponent below 1e-6 and from 1e21.
 * Python's xmlrpc.client and the xmlrpc package read that form, and Ruby's xmlrpc gem reads
 * doubles with String#to_f, which accepts it.
 */
function serializeNumber(value: number): string {
  if (Number.isInteger(value)) {
    if (value >= INT32_MIN && value <= INT32_MAX) {
      return `<value><i4>${value}</i4></value>`;
    }
    if (Number.isSafeInteger(value)) {
      return `<value><i8>${value}</i8></value>`;
    }
  }

  if (!Number.isFinite(value)) {
    throw new TypeError(`cannot serialize ${value} as XML-RPC: <double> must be finite`);
  }
  return `<value><double>${value}</double></value>`;
}

function serializeObject(value: I8 | ResponseValue[] | { [key: string]: ResponseValue }): string {
  if (value instanceof I8) {
    return `<value><i8>${value.value}</i8></value>`;
  }

  if (Array.isArray(value)) {
    let items = '';
    for (const item of value) {
      items += serializeValue(item);
    }
    return `<value><array><data>${items}</data></array></value>`;
  }

  if (!isPlainObject(value)) {
    throw new TypeError(`cannot serialize ${describeObject(value)} as XML-RPC`);
  }

  let members = '';
  for (const [name, member] of Object.entries(value)) {
    members += `<member><name>${escapeText(name)}</name>${serializeValue(member)}</member>`;
  }
  return `<value><struct>${members}</struct></value>`;
}

function isPlainObject(value: object | null): boolean {
  if (value === null) {
    return false;
  }

  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describeObject(value: object | null): string {
  if (value === null) {
    return 'null';
  }
  return `an instance of ${value.constructor?.name ?? 'an unknown class'}`;
}

/**
 * Escapes text for element content. Carriage returns become character references, because
 * conforming XML parsers turn a literal CR or CR LF into LF.
 * Throws TypeError for a character that XML 1.0 does not allow, because conforming parsers
 * reject a response that contains one. Unpaired surrogates are not checked, because UTF-8
 * encoding replaces them with U+FFFD.
 */
function escapeText(text: string): string {
  const forbidden = FORBIDDEN_XML_CHARACTER.exec(text);
  if (forbidden !== null) {
    const codePoint = forbidden[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new TypeError(
      `cannot serialize a string containing U+${codePoint}, which XML 1.0 does not allow`,
    );
  }

  const escaped = escapeXml(text);
  return escaped.includes('\r') ? escaped.replaceAll('\r', '&#13;') : escaped;
}
