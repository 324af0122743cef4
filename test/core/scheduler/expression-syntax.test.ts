import t from 'tap';

import { compileRank, compileRequirement, ExpressionCache, ExpressionSyntaxError } from '../../../core/scheduler/index.js';

/** Cases: expression, line, column and message. */
const REQUIREMENT_ERRORS: Array<[string, number, number, string]> = [
  ['HYPERVISOR = = kvm', 1, 14, 'unexpected "=" at column 14; expected a number, a quoted string or a name after "="'],
  ['HYPERVISOR kvm', 1, 12, 'unexpected name kvm at column 12; expected a comparison (=, !=, >, <, >=, <= or @>) after HYPERVISOR'],
  ['HYPERVISOR =', 1, 13, 'unexpected end of expression at column 13; expected a number, a quoted string or a name after "="'],
  ['NAME > abc', 1, 8, 'unexpected name abc at column 8; ">" compares numbers, so a number must follow it'],
  ['NAME <= "x"', 1, 9, 'unexpected string "x" at column 9; "<=" compares numbers, so a number must follow it'],
  ['5 < FREE_CPU', 1, 1, 'unexpected number 5 at column 1; expected an attribute name, "!" or "("'],
  ['(ID = 1', 1, 8, 'unexpected end of expression at column 8; expected ")"'],
  ['ID = 1)', 1, 7, 'unexpected ")" at column 7; expected "&", "|" or the end of the expression'],
  ['ID = 1 ID = 2', 1, 8, 'unexpected name ID at column 8; expected "&", "|" or the end of the expression'],
  ['ID = 1 &', 1, 9, 'unexpected end of expression at column 9; expected an attribute name, "!" or "("'],
  ['ID = 1 && ID = 2', 1, 9, 'unexpected "&" at column 9; expected an attribute name, "!" or "("'],
  ['ID = -x', 1, 7, 'unexpected name x at column 7; expected a number after "-"'],
  ['NAME = "node*', 1, 8, 'unterminated string at column 8; close it with a double quote'],
  ['GPU @ 3', 1, 5, 'unexpected "@" at column 5; the contains operator is written "@>"'],
  ['NAME = node.example', 1, 12, 'unexpected character "." at column 12'],
  ['ID = 1 #comment', 1, 8, 'unexpected character "#" at column 8'],
  ['ID = 1 &\n  NAME kvm', 2, 8, 'unexpected name kvm at line 2, column 8; expected a comparison (=, !=, >, <, >=, <= or @>) after NAME'],
];

t.test('requirement syntax errors give the position', async (t) => {
  for (const [expression, line, column, message] of REQUIREMENT_ERRORS) {
    const error = catchError(() => compileRequirement(expression));

    t.ok(error instanceof ExpressionSyntaxError, `${expression} raises ExpressionSyntaxError`);
    if (!(error instanceof ExpressionSyntaxError)) continue;
    t.equal(error.message, message, expression);
    t.equal(error.line, line, `${expression} line`);
    t.equal(error.column, column, `${expression} column`);
    t.equal(error.expression, expression);
  }
});

/** Cases: expression, column and message. */
const RANK_ERRORS: Array<[string, number, string]> = [
  ['FREE_CPU +', 11, 'unexpected end of expression at column 11; expected a number, an attribute name, "-" or "("'],
  ['FREE_CPU RUNNING_VMS', 10, 'unexpected name RUNNING_VMS at column 10; expected an operator (+, -, * or /) or the end of the expression'],
  ['(FREE_CPU', 10, 'unexpected end of expression at column 10; expected ")"'],
  ['* 2', 1, 'unexpected "*" at column 1; expected a number, an attribute name, "-" or "("'],
  ['FREE_CPU = 1', 10, 'unexpected "=" at column 10; expected an operator (+, -, * or /) or the end of the expression'],
  ['FREE_CPU $', 10, 'unexpected character "$" at column 10'],
];

t.test('rank syntax errors give the position', async (t) => {
  for (const [expression, column, message] of RANK_ERRORS) {
    const error = catchError(() => compileRank(expression));

    t.ok(error instanceof ExpressionSyntaxError, `${expression} raises ExpressionSyntaxError`);
    if (!(error instanceof ExpressionSyntaxError)) continue;
    t.equal(error.message, message, expression);
    t.equal(error.column, column, `${expression} column`);
  }
});

t.test('expression cache compiles each string once', async (t) => {
  const cache = new ExpressionCache();

  const first = cache.requirement('ID = 1');
  t.equal(cache.requirement('ID = 1'), first);
  t.not(cache.requirement('ID = 2'), first);

  const rank = cache.rank('FREE_CPU');
  t.equal(cache.rank('FREE_CPU'), rank);
});

t.test('expression cache keeps syntax errors', async (t) => {
  const cache = new ExpressionCache();

  const error = cache.requirement('ID =');
  t.ok(error instanceof ExpressionSyntaxError);
  t.equal(cache.requirement('ID ='), error);
  t.ok(cache.rank('1 +') instanceof ExpressionSyntaxError);
});

t.test('expression cache starts over when full', async (t) => {
  const cache = new ExpressionCache(2);

  const first = cache.requirement('ID = 1');
  cache.requirement('ID = 2');
  cache.requirement('ID = 3');

  t.not(cache.requirement('ID = 1'), first, 'the first entry was dropped and compiled again');
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
