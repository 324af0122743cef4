import type { AttributeSource } from './attribute-source.js';
import { leadingNumber } from './attribute-source.js';
import { ExpressionSyntaxError } from './syntax-error.js';
import { describeToken, tokenize, type Token } from './tokenize.js';
import { compileWildcard } from './wildcard.js';

/** A SCHED_REQUIREMENTS expression, parsed once and evaluated against many hosts. */
export interface CompiledRequirement {
  readonly source: string;
  /** Attribute names that the expression reads, without CURRENT_VMS, in order of first use. */
  readonly variables: readonly string[];
  /** Whether the expression reads CURRENT_VMS, whose value changes as VMs are placed. */
  readonly usesCurrentVms: boolean;
  /**
   * Comparisons `NAME = value` that every matching host passes, because the expression
   * joins them to the rest with `&` only. A string value here has no wildcard, so it
   * matches the first value of the attribute exactly. Callers can look hosts up in an
   * index by these and evaluate `matches` on the hosts found.
   */
  readonly requiredEqualities: readonly RequiredEquality[];
  matches(host: AttributeSource): boolean;
}

/** A comparison `variable = value` (see CompiledRequirement.requiredEqualities). */
export interface RequiredEquality {
  variable: string;
  value: number | string;
}

type Predicate = (host: AttributeSource) => boolean;

/** A parsed part of the expression and the equalities that any host it matches passes. */
interface Parsed {
  predicate: Predicate;
  required: RequiredEquality[];
}

const WILDCARD_CHARACTERS = /[*?[\\]/;

const COMPARISONS = new Set(['=', '!=', '>', '<', '>=', '<=', '@>']);
const ORDERINGS = new Set(['>', '<', '>=', '<=']);

/**
 * Parses a requirement expression with the grammar of OpenNebula's `expr_bool.y`, plus
 * `>=` and `<=`, which OpenNebula lacks. Differences from common precedence rules that
 * OpenNebula has, and this parser keeps:
 * - `&` and `|` have the same precedence and group from the left, so
 *   `A | B & C` means `(A | B) & C`.
 * - `!` applies to the comparison or parenthesised group that follows it.
 * - The left side of a comparison is always an attribute name (a bare name, or a quoted
 *   name or path such as `"PCI/VENDOR"`). The right side of `>`, `<`, `>=` and `<=` must
 *   be a number.
 * An empty or blank expression matches every host. Throws ExpressionSyntaxError.
 */
export function compileRequirement(source: string): CompiledRequirement {
  const parser = new RequirementParser(source);
  const { predicate, required } = parser.parseStatement();

  return {
    source,
    variables: [...parser.variables],
    usesCurrentVms: parser.usesCurrentVms,
    requiredEqualities: required,
    matches: predicate,
  };
}

class RequirementParser {
  readonly variables = new Set<string>();
  usesCurrentVms = false;

  private readonly tokens: Token[];
  private index = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parseStatement(): Parsed {
    if (this.peek().kind === 'end') return { predicate: () => true, required: [] };

    const parsed = this.parseExpression();
    const next = this.peek();
    if (next.kind !== 'end') this.fail(next, `unexpected ${describeToken(next)}`, 'expected "&", "|" or the end of the expression');
    return parsed;
  }

  private parseExpression(): Parsed {
    let left = this.parseUnary();

    for (;;) {
      const operator = this.peek();
      if (!isOperator(operator, '&') && !isOperator(operator, '|')) return left;
      this.index++;

      const right = this.parseUnary();
      const first = left.predicate;
      const second = right.predicate;
      left =
        operator.text === '&'
          ? { predicate: (host) => first(host) && second(host), required: [...left.required, ...right.required] }
          : { predicate: (host) => first(host) || second(host), required: [] };
    }
  }

  private parseUnary(): Parsed {
    const token = this.peek();

    if (isOperator(token, '!')) {
      this.index++;
      const operand = this.parseUnary().predicate;
      return { predicate: (host) => !operand(host), required: [] };
    }

    if (isOperator(token, '(')) {
      this.index++;
      const inner = this.parseExpression();
      const close = this.peek();
      if (!isOperator(close, ')')) this.fail(close, `unexpected ${describeToken(close)}`, 'expected ")"');
      this.index++;
      return inner;
    }

    return this.parseComparison();
  }

  private parseComparison(): Parsed {
    const nameToken = this.peek();
    if (nameToken.kind !== 'name' && nameToken.kind !== 'string') {
      this.fail(nameToken, `unexpected ${describeToken(nameToken)}`, 'expected an attribute name, "!" or "("');
    }
    this.index++;

    const operator = this.peek();
    if (operator.kind !== 'operator' || !COMPARISONS.has(operator.text)) {
      this.fail(operator, `unexpected ${describeToken(operator)}`, `expected a comparison (=, !=, >, <, >=, <= or @>) after ${nameToken.text}`);
    }
    this.index++;

    const literal = this.parseLiteral(operator);
    const variable = nameToken.text;

    if (variable === 'CURRENT_VMS') {
      this.usesCurrentVms = true;
      return { predicate: currentVmsPredicate(operator.text, literal), required: [] };
    }

    this.variables.add(variable);
    if (typeof literal === 'number') {
      const required = operator.text === '=' ? [{ variable, value: literal }] : [];
      return { predicate: numberPredicate(variable, operator.text, literal), required };
    }

    const exact = operator.text === '=' && literal !== '' && !WILDCARD_CHARACTERS.test(literal);
    return { predicate: stringPredicate(variable, operator.text, literal), required: exact ? [{ variable, value: literal }] : [] };
  }

  private parseLiteral(operator: Token): number | string {
    const token = this.peek();
    let negative = false;
    let valueToken = token;

    if (isOperator(token, '-')) {
      negative = true;
      valueToken = this.tokens[this.index + 1];
      if (valueToken.kind !== 'number') this.fail(valueToken, `unexpected ${describeToken(valueToken)}`, 'expected a number after "-"');
    }

    if (ORDERINGS.has(operator.text) && valueToken.kind !== 'number') {
      this.fail(valueToken, `unexpected ${describeToken(valueToken)}`, `"${operator.text}" compares numbers, so a number must follow it`);
    }
    if (valueToken.kind !== 'number' && valueToken.kind !== 'string' && valueToken.kind !== 'name') {
      this.fail(valueToken, `unexpected ${describeToken(valueToken)}`, `expected a number, a quoted string or a name after "${operator.text}"`);
    }

    this.index += negative ? 2 : 1;
    if (valueToken.kind === 'number') return negative ? -valueToken.value : valueToken.value;
    return valueToken.text;
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

/**
 * Builds a comparison with a number. A missing attribute, or one that does not start
 * with a number, fails every comparison, `!=` included.
 * NOTE: OpenNebula reads the attribute as an int when the literal is an integer, so
 * there `SPEED > 2` is false for SPEED = "2.5". Here both sides compare as floats.
 */
function numberPredicate(variable: string, operator: string, literal: number): Predicate {
  switch (operator) {
    case '=':
      return (host) => host.number(variable) === literal;
    case '!=':
      return (host) => {
        const value = host.number(variable);
        return value !== undefined && value !== literal;
      };
    case '>':
      return (host) => (host.number(variable) ?? NaN) > literal;
    case '<':
      return (host) => (host.number(variable) ?? NaN) < literal;
    case '>=':
      return (host) => (host.number(variable) ?? NaN) >= literal;
    case '<=':
      return (host) => (host.number(variable) ?? NaN) <= literal;
    default:
      return (host) => host.values(variable).some((value) => leadingNumber(value) === literal);
  }
}

/**
 * `=` matches the first value against the wildcard pattern, `!=` requires a first value
 * that does not match, and `@>` matches any value. A missing attribute or an empty
 * pattern (`""`) fails all three, as in OpenNebula.
 */
function stringPredicate(variable: string, operator: string, pattern: string): Predicate {
  if (pattern === '') return () => false;
  const wildcard = compileWildcard(pattern);

  switch (operator) {
    case '=':
      return (host) => {
        const values = host.values(variable);
        return values.length > 0 && wildcard.test(values[0]);
      };
    case '!=':
      return (host) => {
        const values = host.values(variable);
        return values.length > 0 && !wildcard.test(values[0]);
      };
    default:
      return (host) => host.values(variable).some((value) => wildcard.test(value));
  }
}

/**
 * CURRENT_VMS is the set of VMs on the host. `CURRENT_VMS = 5` holds when VM 5 runs
 * there and `CURRENT_VMS != 5` when it does not, as OpenNebula's `HostXML::search`
 * implements it. `@>` reads like `=`. OpenNebula documents only `=` and `!=`, so the
 * ordering operators always fail here. A string is a wildcard pattern over the VM IDs.
 */
function currentVmsPredicate(operator: string, literal: number | string): Predicate {
  if (typeof literal === 'number') {
    if (operator === '=' || operator === '@>') return (host) => host.hasVm(literal);
    if (operator === '!=') return (host) => !host.hasVm(literal);
    return () => false;
  }

  if (literal === '' || ORDERINGS.has(operator)) return () => false;
  const wildcard = compileWildcard(literal);
  const anyMatch = (host: AttributeSource) => host.values('CURRENT_VMS').some((id) => wildcard.test(id));

  return operator === '!=' ? (host) => !anyMatch(host) : anyMatch;
}
