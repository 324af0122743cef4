import type { AttributeSource } from './attribute-source.js';
import { ExpressionSyntaxError } from './syntax-error.js';
import { describeToken, tokenize, type Token } from './tokenize.js';

/** A SCHED_RANK expression, parsed once and evaluated against many hosts. */
export interface CompiledRank {
  readonly source: string;
  /** Attribute names that the expression reads, in order of first use. */
  readonly variables: readonly string[];
  evaluate(host: AttributeSource): number;
}

type Term = (host: AttributeSource) => number;

/**
 * Parses a rank expression with the grammar of OpenNebula's `expr_arith.y`: numbers,
 * attribute names (bare or quoted), `+ - * /` with the usual precedence, unary minus and
 * parentheses. An attribute that is missing, or whose value does not start with a
 * number, counts as 0. An empty or blank expression ranks every host 0.
 * Division by zero gives an infinite or NaN rank, and callers sort NaN last.
 * OpenNebula truncates the result to an integer, but `evaluate` keeps the fraction.
 * That only orders hosts that OpenNebula would tie.
 * Throws ExpressionSyntaxError.
 */
export function compileRank(source: string): CompiledRank {
  const parser = new RankParser(source);
  const term = parser.parseStatement();
  return { source, variables: [...parser.variables], evaluate: term };
}

class RankParser {
  readonly variables = new Set<string>();

  private readonly tokens: Token[];
  private index = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parseStatement(): Term {
    if (this.peek().kind === 'end') return () => 0;

    const term = this.parseSum();
    const next = this.peek();
    if (next.kind !== 'end') this.fail(next, `unexpected ${describeToken(next)}`, 'expected an operator (+, -, * or /) or the end of the expression');
    return term;
  }

  private parseSum(): Term {
    let left = this.parseProduct();

    for (;;) {
      const operator = this.peek();
      if (!isOperator(operator, '+') && !isOperator(operator, '-')) return left;
      this.index++;

      const right = this.parseProduct();
      const first = left;
      left = operator.text === '+' ? (host) => first(host) + right(host) : (host) => first(host) - right(host);
    }
  }

  private parseProduct(): Term {
    let left = this.parseUnary();

    for (;;) {
      const operator = this.peek();
      if (!isOperator(operator, '*') && !isOperator(operator, '/')) return left;
      this.index++;

      const right = this.parseUnary();
      const first = left;
      left = operator.text === '*' ? (host) => first(host) * right(host) : (host) => first(host) / right(host);
    }
  }

  private parseUnary(): Term {
    if (isOperator(this.peek(), '-')) {
      this.index++;
      const operand = this.parseUnary();
      return (host) => -operand(host);
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Term {
    const token = this.peek();
    this.index++;

    if (token.kind === 'number') {
      const value = token.value;
      return () => value;
    }

    if (token.kind === 'name' || token.kind === 'string') {
      const variable = token.text;
      this.variables.add(variable);
      return (host) => host.number(variable) ?? 0;
    }

    if (isOperator(token, '(')) {
      const inner = this.parseSum();
      const close = this.peek();
      if (!isOperator(close, ')')) this.fail(close, `unexpected ${describeToken(close)}`, 'expected ")"');
      this.index++;
      return inner;
    }

    return this.fail(token, `unexpected ${describeToken(token)}`, 'expected a number, an attribute name, "-" or "("');
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private fail(token: Token, problem: string, hint?: string): never {
    throw new ExpressionSyntaxError(this.source, token.start, problem, hint);
  }
}

function isOperator(token: Token, text: string): boolean {
  return token.kind === 'operator' && token.text === text;
}
