import { escapeXmlText, replaceForbiddenXmlCharacters } from '../../core/xml/escape.js';
import { EscapedXmlText } from '../../core/xml/escaped-text.js';

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

/**
 * A value that serializeMethodResponse can send. Objects must be plain objects. An
 * EscapedXmlText is sent as a string.
 */
export type ResponseValue =
  | string
  | number
  | boolean
  | I8
  | EscapedXmlText
  | ResponseValue[]
  | { [key: string]: ResponseValue };

const XML_DECLARATION = '<?xml version="1.0"?>\n';
const RESPONSE_START = `${XML_DECLARATION}<methodResponse><params><param>`;
const RESPONSE_END = '</param></params></methodResponse>';

/**
 * Serializes a successful method response with one parameter.
 * Throws TypeError for a value that XML-RPC cannot represent: NaN, an infinity, null,
 * undefined, an object that is not plain (other than I8 and EscapedXmlText), or a string
 * containing a character that XML 1.0 does not allow.
 */
export function serializeMethodResponse(value: ResponseValue): string {
  return serializeMethodResponseParts(value).join('');
}

/**
 * Serializes a successful method response as `serializeMethodResponse` does, into parts
 * whose concatenation is the response. The parts of an EscapedXmlText are passed through
 * as they are, so a large document is never copied into one string.
 */
export function serializeMethodResponseParts(value: ResponseValue): string[] {
  const parts: string[] = [];
  let text = RESPONSE_START;

  serializeInto(value, {
    add: (piece) => {
      text += piece;
    },
    addParts: (pieces) => {
      parts.push(text);
      for (const piece of pieces) parts.push(piece);
      text = '';
    },
  });
  parts.push(text + RESPONSE_END);
  return parts.filter((part) => part !== '');
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

  const sendableMessage = replaceForbiddenXmlCharacters(message);
  return (
    `${XML_DECLARATION}<methodResponse><fault><value><struct>` +
    `<member><name>faultCode</name><value><i4>${code}</i4></value></member>` +
    '<member><name>faultString</name>' +
    `<value><string>${escapeXmlText(sendableMessage)}</string></value></member>` +
    '</struct></value></fault></methodResponse>'
  );
}

/** Serializes one value as a `<value>` element. */
export function serializeValue(value: ResponseValue): string {
  let text = '';
  const add = (piece: string) => {
    text += piece;
  };
  serializeInto(value, { add, addParts: (pieces) => pieces.forEach(add) });
  return text;
}

/** The sink of serializeInto, which takes small pieces, and the parts of an EscapedXmlText whole. */
interface Output {
  add(piece: string): void;
  addParts(pieces: readonly string[]): void;
}

function serializeInto(value: ResponseValue, output: Output): void {
  switch (typeof value) {
    case 'string':
      output.add(`<value><string>${escapeXmlText(value)}</string></value>`);
      return;
    case 'number':
      output.add(serializeNumber(value));
      return;
    case 'boolean':
      output.add(value ? '<value><boolean>1</boolean></value>' : '<value><boolean>0</boolean></value>');
      return;
    case 'object':
      serializeObject(value, output);
      return;
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

function serializeObject(value: I8 | EscapedXmlText | ResponseValue[] | { [key: string]: ResponseValue }, output: Output): void {
  if (value instanceof I8) {
    output.add(`<value><i8>${value.value}</i8></value>`);
    return;
  }
  if (value instanceof EscapedXmlText) {
    output.add('<value><string>');
    output.addParts(value.parts);
    output.add('</string></value>');
    return;
  }

  if (Array.isArray(value)) {
    output.add('<value><array><data>');
    for (const item of value) serializeInto(item, output);
    output.add('</data></array></value>');
    return;
  }

  if (!isPlainObject(value)) {
    throw new TypeError(`cannot serialize ${describeObject(value)} as XML-RPC`);
  }

  output.add('<value><struct>');
  for (const [name, member] of Object.entries(value)) {
    output.add(`<member><name>${escapeXmlText(name)}</name>`);
    serializeInto(member, output);
    output.add('</member>');
  }
  output.add('</struct></value>');
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

