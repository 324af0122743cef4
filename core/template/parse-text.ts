import { type AttributeEntry, type VectorEntries, nameProblem, valueProblem } from './entries.js';
import { TemplateError } from './errors.js';

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const HASH = 0x23;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const BYTE_ORDER_MARK = 0xfeff;

/** Position of a character in the source. The column is computed only when an error needs it. */
interface Mark {
  index: number;
  line: number;
  lineStart: number;
}

/**
 * Parses OpenNebula's template text syntax (as of 6.10) into attribute entries in source order.
 *
 * - `NAME = VALUE`, names `[A-Za-z0-9_]+`, upper-cased. `NAME =` at the end of a line is "".
 * - Unquoted values end at a blank, a line end, `#`, `,`, `[`, `]` or `=`.
 * - `"..."` values may span lines. `\"` is `"` and `\\` is `\`. Any other backslash is kept.
 * - `NAME = [ K1 = V1, K2 = "v 2" ]` is a vector. Line breaks and comments may appear
 *   between its tokens, but not between a sub-attribute name and its "=".
 * - `#` starts a comment that runs to the end of the line.
 * - Like OpenNebula, a new attribute may follow a value on the same line after a blank.
 *
 * Throws TemplateError whose message starts with the line and column.
 */
export function parseTextEntries(text: string): AttributeEntry[] {
  return new TextParser(text).parse();
}

class TextParser {
  readonly #text: string;
  #index = 0;
  #line = 1;
  #lineStart = 0;
  /** Whether the attribute being read started on the line where the previous value ended. */
  #followsValue = false;

  constructor(text: string) {
    this.#text = text;
  }

  parse(): AttributeEntry[] {
    const entries: AttributeEntry[] = [];

    if (this.#code() === BYTE_ORDER_MARK) {
      this.#index = 1;
      this.#lineStart = 1;
    }

    for (;;) {
      this.#skipSpaceAndComments();
      if (this.#atEnd()) {
        return entries;
      }

      const entry = this.#parseAttribute();
      entries.push(entry);
      this.#expectAttributeEnd(entry[0]);
    }
  }

  #parseAttribute(): AttributeEntry {
    const nameMark = this.#mark();
    const name = this.#readName(nameMark, 'an attribute name', 'attribute');

    this.#skipBlanks();
    if (this.#code() !== EQUALS) {
      const hint = this.#followsValue ? ' (quote values that contain blanks)' : '';
      this.#failHere(`expected "=" after attribute name "${name}", found ${this.#found()}${hint}`);
    }
    this.#index++;

    this.#skipBlanks();
    const code = this.#code();
    const upperName = name.toUpperCase();

    if (this.#atEnd() || code === LINE_FEED) {
      return [upperName, ''];
    }
    if (code === OPEN_BRACKET) {
      return [upperName, this.#parseVector(name, nameMark)];
    }

    return [upperName, this.#readValue(name)];
  }

  /** Checks what follows a complete attribute: a line end, a comment, the end, or another name. */
  #expectAttributeEnd(name: string): void {
    this.#skipBlanks();
    const code = this.#code();

    if (this.#atEnd() || code === LINE_FEED || code === HASH) {
      this.#followsValue = false;
      return;
    }
    if (isNameCharacter(code)) {
      this.#followsValue = true;
      return;
    }

    this.#failHere(`expected end of line after the value of attribute "${name}", found ${this.#found()}`);
  }

  #parseVector(name: string, startMark: Mark): VectorEntries {
    const entries: VectorEntries = [];
    const seen = new Set<string>();
    this.#index++;

    this.#skipSpaceAndComments();
    if (this.#code() === CLOSE_BRACKET) {
      this.#index++;
      return entries;
    }

    for (;;) {
      this.#skipSpaceAndComments();
      this.#failIfVectorUnclosed(name, startMark);
      const entry = this.#parseSubAttribute(name, seen);
      entries.push(entry);

      this.#skipSpaceAndComments();
      this.#failIfVectorUnclosed(name, startMark);
      const code = this.#code();

      if (code === CLOSE_BRACKET) {
        this.#index++;
        return entries;
      }
      if (code !== COMMA) {
        const found = this.#found();
        this.#failHere(`expected "," or "]" after the value of "${name}/${entry[0]}", found ${found}`);
      }
      this.#index++;
    }
  }

  #parseSubAttribute(vectorName: string, seen: Set<string>): [string, string] {
    const mark = this.#mark();
    const name = this.#readName(mark, `a sub-attribute name in vector "${vectorName}"`, 'sub-attribute');
    const upperName = name.toUpperCase();

    if (seen.has(upperName)) {
      this.#fail(mark, `duplicate sub-attribute "${name}" in vector "${vectorName}"`);
    }
    seen.add(upperName);

    this.#skipBlanks();
    if (this.#code() !== EQUALS) {
      const found = this.#found();
      this.#failHere(`expected "=" after sub-attribute name "${name}" in vector "${vectorName}", found ${found}`);
    }
    this.#index++;

    this.#skipBlanks();
    const code = this.#code();
    if (this.#atEnd() || code === LINE_FEED || code === COMMA || code === CLOSE_BRACKET) {
      return [upperName, ''];
    }

    return [upperName, this.#readValue(`${vectorName}/${name}`)];
  }

  /** Reads a quoted or unquoted value and checks that a template may contain it. */
  #readValue(label: string): string {
    const mark = this.#mark();
    const value = this.#code() === QUOTE ? this.#readQuoted(label, mark) : this.#readUnquoted(label);

    const problem = valueProblem(value);
    if (problem !== undefined) {
      this.#fail(mark, `value of attribute "${label}" ${problem}`);
    }

    return value;
  }

  #readUnquoted(label: string): string {
    const start = this.#index;

    while (!this.#atEnd() && !endsUnquotedValue(this.#code())) {
      this.#index++;
    }

    if (this.#index === start) {
      this.#failHere(`expected a value for attribute "${label}", found ${this.#found()}`);
    }

    return this.#text.slice(start, this.#index);
  }

  /**
   * Reads `"..."` starting at `mark`. Text between escapes is copied in slices, and each
   * escaped character starts the next slice.
   */
  #readQuoted(label: string, mark: Mark): string {
    const text = this.#text;
    let index = mark.index + 1;
    let sliceStart = index;
    let value = '';

    for (;;) {
      if (index >= text.length) {
        this.#fail(mark, `the quoted value of attribute "${label}" that starts here has no closing quote`);
      }

      const code = text.charCodeAt(index);
      if (code === QUOTE) {
        break;
      }

      if (code === BACKSLASH) {
        const next = text.charCodeAt(index + 1);
        if (next === QUOTE || next === BACKSLASH) {
          value += text.slice(sliceStart, index);
          sliceStart = index + 1;
          index += 2;
          continue;
        }
      } else if (code === LINE_FEED) {
        this.#line++;
        this.#lineStart = index + 1;
      }
      index++;
    }

    this.#index = index + 1;
    return value + text.slice(sliceStart, index);
  }

  /** Reads `[A-Za-z0-9_]+` and checks that it can be a name of the given kind. */
  #readName(mark: Mark, expected: string, kind: string): string {
    while (isNameCharacter(this.#code())) {
      this.#index++;
    }

    if (this.#index === mark.index) {
      this.#failHere(`expected ${expected}, found ${this.#found()}`);
    }

    const name = this.#text.slice(mark.index, this.#index);
    const problem = nameProblem(name);
    if (problem !== undefined) {
      this.#fail(mark, `${kind} name "${name}" ${problem}`);
    }

    return name;
  }

  #failIfVectorUnclosed(name: string, startMark: Mark): void {
    if (this.#atEnd()) {
      this.#fail(startMark, `the vector attribute "${name}" that starts here has no closing "]"`);
    }
  }

  #skipBlanks(): void {
    while (isBlank(this.#code())) {
      this.#index++;
    }
  }

  /** Skips blanks, line ends and comments. */
  #skipSpaceAndComments(): void {
    for (;;) {
      const code = this.#code();

      if (isBlank(code)) {
        this.#index++;
      } else if (code === LINE_FEED) {
        this.#index++;
        this.#line++;
        this.#lineStart = this.#index;
      } else if (code === HASH) {
        this.#skipComment();
      } else {
        return;
      }
    }
  }

  #skipComment(): void {
    const lineEnd = this.#text.indexOf('\n', this.#index);
    this.#index = lineEnd < 0 ? this.#text.length : lineEnd;
  }

  #atEnd(): boolean {
    return this.#index >= this.#text.length;
  }

  /** Returns the UTF-16 code unit at the current index, or NaN at the end. */
  #code(): number {
    return this.#text.charCodeAt(this.#index);
  }

  #mark(): Mark {
    return { index: this.#index, line: this.#line, lineStart: this.#lineStart };
  }

  /** Describes the character at the current index for an error message. */
  #found(): string {
    if (this.#atEnd()) {
      return 'end of input';
    }
    if (this.#code() === LINE_FEED) {
      return 'end of line';
    }

    const codePoint = this.#text.codePointAt(this.#index) ?? 0;
    return JSON.stringify(String.fromCodePoint(codePoint));
  }

  #failHere(message: string): never {
    this.#fail(this.#mark(), message);
  }

  /** Throws a TemplateError at `mark`, whose column counts code points from 1. */
  #fail(mark: Mark, message: string): never {
    let column = 1;
    for (const _character of this.#text.slice(mark.lineStart, mark.index)) {
      column++;
    }

    throw new TemplateError(message, { line: mark.line, column });
  }
}

function isBlank(code: number): boolean {
  return code === SPACE || code === TAB || code === CARRIAGE_RETURN;
}

function isNameCharacter(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x5f // _
  );
}

function endsUnquotedValue(code: number): boolean {
  return (
    isBlank(code) ||
    code === LINE_FEED ||
    code === HASH ||
    code === COMMA ||
    code === OPEN_BRACKET ||
    code === CLOSE_BRACKET ||
    code === EQUALS
  );
}
