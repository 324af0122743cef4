import { XmlRpcParseError, quoteForMessage } from './errors.js';

/**
 * A parsed XML-RPC value. Each value keeps its wire type, so that a method can reject a
 * parameter of the wrong type the way OpenNebula does (fault -501), for example a
 * `<string>` where an `<int>` is expected.
 */
export type XmlRpcValue =
  | { type: 'int'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'double'; value: number }
  | { type: 'dateTime'; value: string }
  | { type: 'base64'; value: Buffer }
  | { type: 'nil' }
  | { type: 'array'; items: XmlRpcValue[] }
  | { type: 'struct'; members: Map<string, XmlRpcValue> };

/** A parsed `<methodCall>`: the method name and its parameters in order. */
export interface MethodCall {
  methodName: string;
  params: XmlRpcValue[];
}

/** Limits that `parseMethodCall` enforces while it reads a body. */
export interface ParseLimits {
  /** Maximum number of nested arrays and structs. A parameter that is an array is at depth 1. */
  maxDepth: number;
  /** Maximum length in UTF-16 code units of any text in the call, such as one string value. */
  maxStringLength: number;
  /** Maximum number of `<param>` elements. */
  maxParams: number;
  /** Maximum number of XML elements in the whole body. */
  maxElements: number;
}

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxDepth: 32,
  maxStringLength: 1_048_576,
  maxParams: 64,
  maxElements: 100_000,
});

/**
 * Fills the limits that are not given from DEFAULT_PARSE_LIMITS.
 * Throws RangeError for a limit that is not a non-negative safe integer.
 */
export function resolveParseLimits(overrides: Partial<ParseLimits> | undefined): ParseLimits {
  if (overrides === undefined) {
    return DEFAULT_PARSE_LIMITS;
  }

  const limits: ParseLimits = {
    maxDepth: overrides.maxDepth ?? DEFAULT_PARSE_LIMITS.maxDepth,
    maxStringLength: overrides.maxStringLength ?? DEFAULT_PARSE_LIMITS.maxStringLength,
    maxParams: overrides.maxParams ?? DEFAULT_PARSE_LIMITS.maxParams,
    maxElements: overrides.maxElements ?? DEFAULT_PARSE_LIMITS.maxElements,
  };

  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`parse limit ${name} must be a non-negative integer, got ${value}`);
    }
  }
  return limits;
}

/** Element names of the XML-RPC types that carry their value as text. */
export type ScalarElement =
  | 'int'
  | 'i4'
  | 'i8'
  | 'boolean'
  | 'string'
  | 'double'
  | 'dateTime.iso8601'
  | 'base64';

export const SCALAR_ELEMENTS: ReadonlySet<string> = new Set<ScalarElement>([
  'int',
  'i4',
  'i8',
  'boolean',
  'string',
  'double',
  'dateTime.iso8601',
  'base64',
]);

interface IntegerRange {
  min: number;
  max: number;
}

const INT32_RANGE: IntegerRange = { min: -2_147_483_648, max: 2_147_483_647 };

// <i8> is a 64-bit integer on the wire, but only values that a JavaScript number represents
// exactly are accepted.
const I8_RANGE: IntegerRange = { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };

const INTEGER_TEXT = /^[+-]?\d+$/;

// A decimal number with an optional exponent. Python's xmlrpc.client writes doubles with
// repr(), which uses exponents such as 1e+100, so the exponent is accepted.
const DOUBLE_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

// ISO 8601 date and time in basic or extended form, with optional fraction and zone, such as
// 19980717T14:08:55 (the form that Python's and Ruby's clients write) or
// 1998-07-17T14:08:55.5+02:00.
const DATE_TIME_TEXT =
  /^\d{4}-?\d{2}-?\d{2}T\d{2}:?\d{2}:?\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;

const XML_WHITESPACE_GLOBAL = /[ \t\r\n]+/g;
const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes the text of a scalar element into a value.
 * Throws XmlRpcParseError when the text is not valid for the type. `describeLocation` is
 * called only then, to name the place of the value in the error message.
 */
export function decodeScalar(
  element: ScalarElement,
  text: string,
  describeLocation: () => string,
): XmlRpcValue {
  switch (element) {
    case 'string':
      return { type: 'string', value: text };
    case 'int':
    case 'i4':
      return { type: 'int', value: decodeInteger(element, text, INT32_RANGE, describeLocation) };
    case 'i8':
      return { type: 'int', value: decodeInteger(element, text, I8_RANGE, describeLocation) };
    case 'boolean':
      return { type: 'boolean', value: decodeBoolean(text, describeLocation) };
    case 'double':
      return { type: 'double', value: decodeDouble(text, describeLocation) };
    case 'dateTime.iso8601':
      return { type: 'dateTime', value: decodeDateTime(text, describeLocation) };
    case 'base64':
      return { type: 'base64', value: decodeBase64(text, describeLocation) };
  }
}

function decodeInteger(
  element: ScalarElement,
  text: string,
  { min, max }: IntegerRange,
  describeLocation: () => string,
): number {
  if (!INTEGER_TEXT.test(text)) {
    throw invalidScalar(element, text, describeLocation, 'expected an integer in decimal digits');
  }

  // Number() rounds a long decimal to the nearest double. Any integer outside the safe range
  // rounds to a magnitude of 2^53 or more, so the range check stays exact.
  const value = Number(text);
  if (value < min || value > max) {
    const expected = `expected an integer from ${min} to ${max}`;
    throw invalidScalar(element, text, describeLocation, expected);
  }

  // The text "-0" gives -0, which is returned as 0.
  return value === 0 ? 0 : value;
}

function decodeBoolean(text: string, describeLocation: () => string): boolean {
  if (text === '1') {
    return true;
  }
  if (text === '0') {
    return false;
  }

  throw invalidScalar('boolean', text, describeLocation, 'expected 0 or 1');
}

function decodeDouble(text: string, describeLocation: () => string): number {
  const value = DOUBLE_TEXT.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value)) {
    throw invalidScalar('double', text, describeLocation, 'expected a finite decimal number');
  }

  return value;
}

function decodeDateTime(text: string, describeLocation: () => string): string {
  if (!DATE_TIME_TEXT.test(text)) {
    throw invalidScalar(
      'dateTime.iso8601',
      text,
      describeLocation,
      'expected an ISO 8601 date and time such as 19980717T14:08:55',
    );
  }

  return text;
}

function decodeBase64(text: string, describeLocation: () => string): Buffer {
  // Python's xmlrpc.client breaks base64 text into lines of 76 characters.
  const compact = text.replace(XML_WHITESPACE_GLOBAL, '');
  if (compact.length % 4 !== 0 || !BASE64_TEXT.test(compact)) {
    throw invalidScalar('base64', text, describeLocation, 'expected padded base64 text');
  }

  return Buffer.from(compact, 'base64');
}

function invalidScalar(
  element: ScalarElement,
  text: string,
  describeLocation: () => string,
  expected: string,
): XmlRpcParseError {
  return new XmlRpcParseError(
    `invalid <${element}> value ${quoteForMessage(text)} ${describeLocation()}: ${expected}`,
  );
}
