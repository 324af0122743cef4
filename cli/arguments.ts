import { InvalidArgumentError } from 'commander';

/** Parses a whole number argument or option for commander; -1 and other negatives are allowed. */
export function parseInteger(text: string): number {
  if (!/^-?\d+$/.test(text)) throw new InvalidArgumentError('expected a whole number.');
  return Number(text);
}
