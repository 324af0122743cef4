/** Line and column (both starting at 1) of a character in template source text. */
export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * Error raised for a template that cannot be parsed, or for a name or value that a template
 * cannot contain. Syntax errors carry the position and start their message with it.
 */
export class TemplateError extends Error {
  readonly line?: number;
  readonly column?: number;

  constructor(message: string, position?: SourcePosition) {
    super(position ? `line ${position.line}, column ${position.column}: ${message}` : message);
    this.name = 'TemplateError';

    if (position) {
      this.line = position.line;
      this.column = position.column;
    }
  }
}
