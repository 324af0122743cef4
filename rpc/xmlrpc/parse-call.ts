import sax from 'sax';
import type { QualifiedTag, SAXOptions, SAXParser, Tag } from 'sax';

import { FaultCode, XmlRpcParseError, quoteForMessage } from './errors.js';
import { ParamBuilder } from './param-builder.js';
import { SCALAR_ELEMENTS, resolveParseLimits } from './values.js';
import type { MethodCall, ParseLimits, XmlRpcValue } from './values.js';

const MAX_METHOD_NAME_LENGTH = 256;
const METHOD_NAME_TEXT = /^[\x20-\x7e]+$/;
const WHITESPACE_ONLY = /^[ \t\r\n]*$/;

// Characters outside the XML 1.0 Char production: C0 controls other than tab, line feed and
// carriage return, U+FFFE, U+FFFF and unpaired surrogates.
const INVALID_XML_CHARACTER = new RegExp(
  '[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]' +
    '|[\\ud800-\\udbff](?![\\udc00-\\udfff])' +
    '|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]',
);

// sax 1.6.1 keeps a text node in one buffer until the end of each write() call and then
// flushes any text node longer than 64 KiB (sax.MAX_BUFFER_LENGTH). Writing the body in
// chunks of that size hands a long string to the builder in pieces, so the length limit
// stops it early.
const CHUNK_LENGTH = 65_536;

const ALLOWED_CHILDREN: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['methodCall', new Set(['methodName', 'params'])],
  ['params', new Set(['param'])],
  ['param', new Set(['value'])],
  ['value', new Set([...SCALAR_ELEMENTS, 'nil', 'array', 'struct'])],
  ['array', new Set(['data'])],
  ['data', new Set(['value'])],
  ['struct', new Set(['member'])],
  ['member', new Set(['name', 'value'])],
]);

const KNOWN_ELEMENTS: ReadonlySet<string> = new Set([
  ...ALLOWED_CHILDREN.keys(),
  ...SCALAR_ELEMENTS,
  'methodName',
  'name',
  'nil',
]);

/** Elements whose text is content. Between other elements, only whitespace is allowed. */
const TEXT_ELEMENTS: ReadonlySet<string> = new Set([
  ...SCALAR_ELEMENTS,
  'methodName',
  'value',
  'name',
]);

/**
 * Parses the body of an XML-RPC method call.
 *
 * The body must already be decoded from bytes, and the encoding named in its XML declaration
 * is not compared with that decoding. Limits that are not given come from
 * DEFAULT_PARSE_LIMITS. Throws XmlRpcParseError with fault code -503 for malformed input or
 * -509 for a limit that was exceeded, and RangeError for an invalid limit. Error messages
 * count parameters and array items from 0, so the session string of an OpenNebula call is
 * parameter 0, and they quote client text as JSON strings.
 */
export function parseMethodCall(body: string, limits?: Partial<ParseLimits>): MethodCall {
  const builder = new CallBuilder(resolveParseLimits(limits));
  // Without strictEntities, sax also decodes HTML entity names such as &nbsp;, which XML
  // does not define. @types/sax 1.2.7 does not declare the option.
  const options: SAXOptions & { strictEntities: boolean } = { strictEntities: true };
  const parser = sax.parser(true, options);
  connectParser(parser, builder, body);

  writeInChunks(parser, body);
  builder.checkNotTruncated();
  parser.close();

  return builder.result();
}

function connectParser(parser: SAXParser, builder: CallBuilder, body: string): void {
  parser.onopentag = (tag) => builder.openElement(tag);
  parser.onclosetag = (name) => builder.closeElement(name);
  parser.ontext = (text) => builder.addText(text);
  parser.oncdata = (text) => builder.addText(text);

  parser.ondoctype = () => {
    throw new XmlRpcParseError('DOCTYPE declarations are not accepted');
  };
  parser.onsgmldeclaration = (declaration) => {
    const markup = quoteForMessage(`<!${declaration}>`);
    throw new XmlRpcParseError(`markup declaration ${markup} is not accepted`);
  };
  parser.onprocessinginstruction = (instruction) => {
    checkProcessingInstruction(parser, instruction.name, body);
  };
  parser.onerror = (error) => {
    throw wrapSaxError(error, parser);
  };
}

/** Accepts only an XML declaration at the very start of the body, after an optional BOM. */
function checkProcessingInstruction(parser: SAXParser, name: string, body: string): void {
  if (name !== 'xml') {
    const instruction = quoteForMessage(`<?${name}?>`);
    throw new XmlRpcParseError(`processing instruction ${instruction} is not accepted`);
  }

  // startTagPosition is the 1-based offset of the "<" that opened the instruction.
  const startOffset = body.charCodeAt(0) === 0xfeff ? 2 : 1;
  if (parser.startTagPosition !== startOffset) {
    throw new XmlRpcParseError('the XML declaration must be at the start of the body');
  }
}

function wrapSaxError(error: Error, parser: SAXParser): XmlRpcParseError {
  // sax appends "\nLine: …\nColumn: …\nChar: …" to its message. This message gives the
  // position instead, with lines and columns counted from 1.
  const reason = (error.message.split('\n', 1)[0] ?? '').replace(/\.$/, '');
  const sentence = reason.charAt(0).toLowerCase() + reason.slice(1);

  return new XmlRpcParseError(
    `malformed XML at line ${parser.line + 1}, column ${parser.column}: ${sentence}`,
    FaultCode.parseError,
    { cause: error },
  );
}

function writeInChunks(parser: SAXParser, body: string): void {
  if (body.length <= CHUNK_LENGTH) {
    parser.write(body);
    return;
  }

  let start = 0;
  while (start < body.length) {
    let end = Math.min(start + CHUNK_LENGTH, body.length);
    // Keep a surrogate pair in one chunk so that no text piece ends in half a character.
    if (end < body.length && isHighSurrogate(body.charCodeAt(end - 1))) {
      end += 1;
    }

    parser.write(body.slice(start, end));
    start = end;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Builds a MethodCall from sax events and rejects anything outside the XML-RPC grammar
 * as soon as it appears. Elements inside a `<param>` go to a ParamBuilder.
 */
class CallBuilder {
  private readonly openElements: string[] = [];
  private readonly params: XmlRpcValue[] = [];
  private paramBuilder: ParamBuilder | undefined;
  private methodName: string | undefined;
  private hasParams = false;
  private elementCount = 0;
  private rootClosed = false;

  /** Whether text belongs to the innermost element. Otherwise only whitespace is allowed. */
  private collectingText = false;
  private text = '';
  private textLimit = 0;

  constructor(private readonly limits: ParseLimits) {}

  openElement(tag: Tag | QualifiedTag): void {
    const name = tag.name;
    this.elementCount += 1;
    if (this.elementCount > this.limits.maxElements) {
      throw limitError(`call exceeds the limit of ${this.limits.maxElements} XML elements`);
    }

    const parent = this.checkPlacement(name);
    const attribute = firstKey(tag.attributes);
    if (attribute !== undefined) {
      throw new XmlRpcParseError(`unexpected attribute ${quoteForMessage(attribute)} on <${name}>`);
    }
    if (parent === 'value') {
      this.checkOnlyWhitespaceBefore(name);
    }

    this.openElements.push(name);
    this.collectingText = false;
    this.startElement(name);
    if (TEXT_ELEMENTS.has(name)) {
      this.startText(name === 'methodName' ? MAX_METHOD_NAME_LENGTH : this.limits.maxStringLength);
    }
  }

  closeElement(name: string): void {
    const text = this.text;
    this.openElements.pop();
    this.collectingText = false;
    this.text = '';

    if (name === 'param') {
      this.finishParam();
    } else if (this.paramBuilder !== undefined) {
      this.paramBuilder.closeElement(name, text);
    } else if (name === 'methodName') {
      this.methodName = checkMethodName(text);
    } else if (name === 'methodCall') {
      this.rootClosed = true;
    }
  }

  addText(text: string): void {
    if (this.collectingText) {
      this.appendText(text);
      return;
    }

    if (!WHITESPACE_ONLY.test(text)) {
      const parent = this.openElements[this.openElements.length - 1];
      const place = parent === undefined ? 'outside <methodCall>' : `inside <${parent}>`;
      throw new XmlRpcParseError(
        `unexpected text ${quoteForMessage(text)} ${place}${this.locationSuffix()}`,
      );
    }
  }

  /** Throws when the body ended while elements were still open. */
  checkNotTruncated(): void {
    const innermost = this.openElements[this.openElements.length - 1];
    if (innermost !== undefined) {
      throw new XmlRpcParseError(`XML is truncated: expected </${innermost}>`);
    }
  }

  result(): MethodCall {
    if (!this.rootClosed) {
      throw new XmlRpcParseError('missing <methodCall> element');
    }
    if (this.methodName === undefined) {
      throw new XmlRpcParseError('missing <methodName> inside <methodCall>');
    }

    return { methodName: this.methodName, params: this.params };
  }

  /** Checks that the grammar allows the element in the innermost open one, and returns that. */
  private checkPlacement(name: string): string | undefined {
    const parent = this.openElements[this.openElements.length - 1];
    if (parent === undefined) {
      if (this.rootClosed) {
        throw new XmlRpcParseError(`unexpected element ${tagForMessage(name)} after </methodCall>`);
      }
      if (name !== 'methodCall') {
        throw new XmlRpcParseError(
          `expected <methodCall> as the root element, found ${tagForMessage(name)}`,
        );
      }
      return parent;
    }

    if (ALLOWED_CHILDREN.get(parent)?.has(name) !== true) {
      const kind = KNOWN_ELEMENTS.has(name) ? 'unexpected' : 'unknown';
      throw new XmlRpcParseError(
        `${kind} element ${tagForMessage(name)} inside <${parent}>${this.locationSuffix()}`,
      );
    }
    return parent;
  }

  /** Checks that the text read so far in a `<value>` is whitespace before a type element. */
  private checkOnlyWhitespaceBefore(name: string): void {
    if (!WHITESPACE_ONLY.test(this.text)) {
      throw new XmlRpcParseError(
        `unexpected text ${quoteForMessage(this.text)} before <${name}>${this.locationSuffix()}`,
      );
    }
  }

  private startElement(name: string): void {
    if (this.paramBuilder !== undefined) {
      this.paramBuilder.openElement(name);
    } else if (name === 'param') {
      this.startParam();
    } else if (name === 'methodName' && this.methodName !== undefined) {
      throw new XmlRpcParseError('duplicate <methodName>');
    } else if (name === 'params') {
      if (this.hasParams) {
        throw new XmlRpcParseError('duplicate <params>');
      }
      this.hasParams = true;
    }
  }

  private startParam(): void {
    const paramIndex = this.params.length;
    if (paramIndex >= this.limits.maxParams) {
      throw limitError(`call exceeds the limit of ${this.limits.maxParams} parameters`);
    }

    this.paramBuilder = new ParamBuilder(paramIndex, this.limits.maxDepth);
  }

  private finishParam(): void {
    // startParam created the builder when this <param> opened.
    const builder = this.paramBuilder as ParamBuilder;
    this.params.push(builder.result());
    this.paramBuilder = undefined;
  }

  private startText(limit: number): void {
    this.collectingText = true;
    this.text = '';
    this.textLimit = limit;
  }

  // NOTE: sax does not apply XML end-of-line handling, so a literal CR LF in a string stays
  // CR LF. Expat-based servers such as oned's xmlrpc-c read it as LF.
  private appendText(text: string): void {
    if (this.text.length + text.length > this.textLimit) {
      throw this.textTooLong();
    }

    const invalid = INVALID_XML_CHARACTER.exec(text);
    if (invalid !== null) {
      const codePoint = (invalid[0].codePointAt(0) ?? 0).toString(16).toUpperCase();
      throw new XmlRpcParseError(
        `${this.describeText()} contains the character U+${codePoint.padStart(4, '0')}, ` +
          'which XML 1.0 does not allow',
      );
    }

    this.text += text;
  }

  private textTooLong(): XmlRpcParseError {
    // Outside a parameter, the only element with text is <methodName>.
    if (this.paramBuilder === undefined) {
      return new XmlRpcParseError(
        `invalid method name: longer than ${MAX_METHOD_NAME_LENGTH} characters`,
      );
    }

    return limitError(`${this.describeText()} exceeds the limit of ${this.textLimit} characters`);
  }

  /** Names the text being read, such as "string in parameter 2", for an error message. */
  private describeText(): string {
    if (this.paramBuilder === undefined) {
      return 'method name';
    }

    const location = this.paramBuilder.describeLocation();
    const element = this.openElements[this.openElements.length - 1];
    switch (element) {
      case 'name':
        return `struct member name ${location}`;
      case 'value':
      case 'string':
        return `string ${location}`;
      default:
        return `text of <${element}> ${location}`;
    }
  }

  /** Returns " in parameter N…" inside a parameter and an empty string elsewhere. */
  private locationSuffix(): string {
    return this.paramBuilder === undefined ? '' : ` ${this.paramBuilder.describeLocation()}`;
  }
}

/**
 * Writes an element name for an error message. A name outside the XML-RPC vocabulary is
 * client text, so it is quoted and cut like other client text.
 */
function tagForMessage(name: string): string {
  return KNOWN_ELEMENTS.has(name) ? `<${name}>` : quoteForMessage(`<${name}>`);
}

function firstKey(record: object): string | undefined {
  for (const key in record) {
    return key;
  }
  return undefined;
}

function checkMethodName(text: string): string {
  if (!METHOD_NAME_TEXT.test(text)) {
    throw new XmlRpcParseError(
      `invalid method name ${quoteForMessage(text)}: ` +
        `expected 1 to ${MAX_METHOD_NAME_LENGTH} printable ASCII characters`,
    );
  }
  return text;
}

function limitError(message: string): XmlRpcParseError {
  return new XmlRpcParseError(message, FaultCode.limitExceeded);
}
