import { quoteTextValue } from '../core/template/index.js';
import { usageError } from './errors.js';
import { type CliIo, readFileArgument } from './io.js';

/** The `--template TEXT` option that create and update commands take beside a FILE argument. */
export interface TemplateOptions {
  template?: string;
}

/**
 * Returns the template text from a FILE argument (`-` for standard input) or from
 * `--template TEXT`. Exactly one of the two is required.
 */
export async function readTemplateInput(io: CliIo, file: string | undefined, options: TemplateOptions): Promise<string> {
  if (file !== undefined && options.template !== undefined) {
    throw usageError('give a template FILE or --template TEXT, not both');
  }
  if (file !== undefined) return readFileArgument(io, file);
  if (options.template !== undefined) return options.template;
  throw usageError('missing template: give a FILE (or - for standard input) or --template TEXT');
}

/** Builds template text from attribute values, quoting each value; undefined values are skipped. */
export function buildTemplate(attributes: Array<[string, string | undefined]>): string {
  return attributes
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${quoteTextValue(value)}\n`)
    .join('');
}
