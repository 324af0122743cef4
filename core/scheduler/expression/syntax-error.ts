/**
 * Error raised for a SCHED_REQUIREMENTS or SCHED_RANK expression that does not parse.
 * `offset` counts characters from 0. `line` and `column` count from 1, and the message
 * names them after the problem and before the hint, for example
 * `unexpected "=" at column 14; expected a number, a quoted string or a name after "="`.
 */
export class ExpressionSyntaxError extends Error {
  readonly expression: string;
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  constructor(expression: string, offset: number, problem: string, hint?: string) {
    const { line, column } = lineAndColumn(expression, offset);
    const where = line === 1 ? `column ${column}` : `line ${line}, column ${column}`;

    super(`${problem} at ${where}${hint ? `; ${hint}` : ''}`);
    this.name = 'ExpressionSyntaxError';
    this.expression = expression;
    this.offset = offset;
    this.line = line;
    this.column = column;
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;

  for (let index = 0; index < offset && index < text.length; index++) {
    if (text[index] === '\n') {
      line++;
      lineStart = index + 1;
    }
  }

  return { line, column: offset - lineStart + 1 };
}
