import { compileRank, type CompiledRank } from './rank.js';
import { compileRequirement, type CompiledRequirement } from './requirement.js';
import { ExpressionSyntaxError } from './syntax-error.js';

/** Maximum distinct strings kept per kind before the cache starts over. */
const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * Compiled requirement and rank expressions by source text, so each distinct string is
 * parsed once. Syntax errors are cached too. A daemon can keep one cache across
 * scheduling cycles, and the cache empties itself when it contains more than
 * `maxEntries` strings of one kind.
 */
export class ExpressionCache {
  private readonly requirements = new Map<string, CompiledRequirement | ExpressionSyntaxError>();
  private readonly ranks = new Map<string, CompiledRank | ExpressionSyntaxError>();

  constructor(private readonly maxEntries = DEFAULT_MAX_ENTRIES) {}

  /** Returns the compiled requirement, or the syntax error that the text has. */
  requirement(source: string): CompiledRequirement | ExpressionSyntaxError {
    return lookup(this.requirements, source, this.maxEntries, compileRequirement);
  }

  /** Returns the compiled rank, or the syntax error that the text has. */
  rank(source: string): CompiledRank | ExpressionSyntaxError {
    return lookup(this.ranks, source, this.maxEntries, compileRank);
  }
}

function lookup<T>(
  cache: Map<string, T | ExpressionSyntaxError>,
  source: string,
  maxEntries: number,
  compile: (source: string) => T,
): T | ExpressionSyntaxError {
  const cached = cache.get(source);
  if (cached !== undefined) return cached;

  let result: T | ExpressionSyntaxError;
  try {
    result = compile(source);
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    result = error;
  }

  if (cache.size >= maxEntries) cache.clear();
  cache.set(source, result);
  return result;
}
