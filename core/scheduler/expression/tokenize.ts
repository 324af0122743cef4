import { ExpressionSyntaxError } from './syntax-error.js';

export type TokenKind = 'name' | 'string' | 'number' | 'operator' | 'end';

export interface Token {
  kind: TokenKind;
  /** Source text of the token. For a string, the content without the quotes. */
  text: string;
  /** Numeric value of a `number` token, otherwise NaN. */
  value: number;
  /** Offset of the first character, counting from 0. */
  start: number;
}

const TWO_CHARACTER_OPERATORS = new Set(['!=', '>=', '<=', '@>']);
const ONE_CHARACTER_OPERATORS = new Set(['=', '>', '<', '!', '&', '|', '(', ')', '+', '-', '*', '/']);

const NAME = /[A-Za-z][A-Za-z0-9_]*/y;
const NUMBER = /[0-9]+(?:\.[0-9]+)?/y;
const BLANK = /\s/;

/**
 * Splits an expression into tokens with OpenNebula's lexical rules (`expr_parser.l`):
 * names are a letter followed by letters, digits and '_', strings are double-quoted
 * with no escapes, and numbers are digits with an optional fraction. A minus sign is
 * always its own token, and the parsers read `-5` as a negative number where a number
 * is expected. Throws ExpressionSyntaxError for a character that no token can start
 * with, such as '.' or '#', where OpenNebula's generated lexer skips the character.
 */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;

  while (position < source.length) {
    const character = source[position];

    if (BLANK.test(character)) {
      position++;
      continue;
    }

    const token = readToken(source, position);
    tokens.push(token);
    position = token.kind === 'string' ? token.start + token.text.length + 2 : token.start + token.text.length;
  }

  tokens.push({ kind: 'end', text: '', value: NaN, start: source.length });
  return tokens;
}

function readToken(source: string, start: number): Token {
  const pair = source.slice(start, start + 2);
  if (TWO_CHARACTER_OPERATORS.has(pair)) return { kind: 'operator', text: pair, value: NaN, start };

  const character = source[start];
  if (ONE_CHARACTER_OPERATORS.has(character)) return { kind: 'operator', text: character, value: NaN, start };

  if (character === '"') return readString(source, start);

  const name = matchAt(NAME, source, start);
  if (name !== undefined) return { kind: 'name', text: name, value: NaN, start };

  const number = matchAt(NUMBER, source, start);
  if (number !== undefined) return { kind: 'number', text: number, value: Number(number), start };

  if (character === '@') {
    throw new ExpressionSyntaxError(source, start, 'unexpected "@"', 'the contains operator is written "@>"');
  }
  throw new ExpressionSyntaxError(source, start, `unexpected character ${JSON.stringify(character)}`);
}

function readString(source: string, start: number): Token {
  const end = source.indexOf('"', start + 1);

  if (end < 0) {
    throw new ExpressionSyntaxError(source, start, 'unterminated string', 'close it with a double quote');
  }

  return { kind: 'string', text: source.slice(start + 1, end), value: NaN, start };
}

function matchAt(pattern: RegExp, source: string, start: number): string | undefined {
  pattern.lastIndex = start;
  const match = pattern.exec(source);
  return match ? match[0] : undefined;
}

/** Names a token for an error message: `"="`, `name FREE_CPU`, `end of expression`. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'end of expression';
    case 'name':
      return `name ${token.text}`;
    case 'string':
      return `string ${JSON.stringify(token.text)}`;
    case 'number':
      return `number ${token.text}`;
    case 'operator':
      return JSON.stringify(token.text);
  }
}
