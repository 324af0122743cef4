import t from 'tap';

import {
  DEFAULT_PARSE_LIMITS,
  FaultCode,
  XmlRpcParseError,
  parseMethodCall,
} from '../../../rpc/xmlrpc/index.js';
import type { ParseLimits } from '../../../rpc/xmlrpc/index.js';

const MIB = 1_048_576;
const HEAD = '<methodCall><methodName>test.echo</methodName><params>';
const TAIL = '</params></methodCall>';

function callWithValue(valueContent: string): string {
  return `${HEAD}<param><value>${valueContent}</value></param>${TAIL}`;
}

function callWithParams(count: number): string {
  return HEAD + '<param><value><i4>1</i4></value></param>'.repeat(count) + TAIL;
}

function nestedArrays(depth: number): string {
  return '<array><data><value>'.repeat(depth) + 'x' + '</value></data></array>'.repeat(depth);
}

function nestedStructs(depth: number): string {
  return (
    '<struct><member><name>A</name><value>'.repeat(depth) +
    'x' +
    '</value></member></struct>'.repeat(depth)
  );
}

function parseError(body: string, limits?: Partial<ParseLimits>): XmlRpcParseError {
  try {
    parseMethodCall(body, limits);
  } catch (error) {
    if (error instanceof XmlRpcParseError) {
      return error;
    }
    throw error;
  }
  throw new Error('parseMethodCall accepted the body');
}

t.test('default limits', async (t) => {
  t.same(DEFAULT_PARSE_LIMITS, {
    maxDepth: 32,
    maxStringLength: MIB,
    maxParams: 64,
    maxElements: 100_000,
  });
  t.ok(Object.isFrozen(DEFAULT_PARSE_LIMITS));
});

t.test('nesting depth at and past the limit', async (t) => {
  t.equal(parseMethodCall(callWithValue(nestedArrays(32))).params.length, 1);
  t.equal(parseMethodCall(callWithValue(nestedStructs(32))).params.length, 1);

  const arrays = parseError(callWithValue(nestedArrays(33)));
  t.equal(
    arrays.message,
    'nesting deeper than 32 levels of arrays and structs in parameter 0, ' +
      'item 0, item 0, item 0, …, item 0, item 0',
  );
  t.equal(arrays.faultCode, FaultCode.limitExceeded);

  const structs = parseError(callWithValue(nestedStructs(33)));
  t.match(structs.message, /^nesting deeper than 32 levels of arrays and structs in parameter 0, /);
  t.match(structs.message, /, member "A"$/);
  t.equal(structs.faultCode, FaultCode.limitExceeded);
});

t.test('nesting depth with a custom limit', async (t) => {
  t.equal(parseMethodCall(callWithValue(nestedArrays(2)), { maxDepth: 2 }).params.length, 1);
  t.equal(
    parseError(callWithValue(nestedArrays(3)), { maxDepth: 2 }).message,
    'nesting deeper than 2 levels of arrays and structs in parameter 0, item 0, item 0',
  );
  t.equal(
    parseError(callWithValue('<struct/>'), { maxDepth: 0 }).message,
    'nesting deeper than 0 levels of arrays and structs in parameter 0',
  );
});

t.test('nesting far past the limit stops early', async (t) => {
  const error = parseError(callWithValue(nestedArrays(100_000)), { maxElements: 1_000_000 });
  t.match(error.message, /^nesting deeper than 32 levels/);
});

t.test('string length at and past the limit', async (t) => {
  const atLimit = parseMethodCall(callWithValue(`<string>${'x'.repeat(MIB)}</string>`));
  t.equal((atLimit.params[0] as { value: string }).value.length, MIB);

  const pastLimit = parseError(callWithValue(`<string>${'x'.repeat(MIB + 1)}</string>`));
  t.equal(pastLimit.message, 'string in parameter 0 exceeds the limit of 1048576 characters');
  t.equal(pastLimit.faultCode, FaultCode.limitExceeded);

  const fiveMib = parseError(callWithValue(`<string>${'x'.repeat(5 * MIB)}</string>`));
  t.equal(fiveMib.message, 'string in parameter 0 exceeds the limit of 1048576 characters');
});

t.test('string length counts decoded characters', async (t) => {
  const limits = { maxStringLength: 3 };

  t.same(parseMethodCall(callWithValue('<string>&amp;&lt;&gt;</string>'), limits).params, [
    { type: 'string', value: '&<>' },
  ]);
  t.equal(
    parseError(callWithValue('<string>&amp;&lt;&gt;&amp;</string>'), limits).message,
    'string in parameter 0 exceeds the limit of 3 characters',
  );
  t.equal(
    parseError(callWithValue('ab<![CDATA[cd]]>'), limits).message,
    'string in parameter 0 exceeds the limit of 3 characters',
  );
});

t.test('string length applies to every text', async (t) => {
  const limits = { maxStringLength: 4 };

  t.equal(
    parseError(
      callWithValue('<struct><member><name>LONGNAME</name><value>x</value></member></struct>'),
      limits,
    ).message,
    'struct member name in parameter 0 exceeds the limit of 4 characters',
  );
  t.equal(
    parseError(callWithValue('<base64>aGVsbG8=</base64>'), limits).message,
    'text of <base64> in parameter 0 exceeds the limit of 4 characters',
  );
  t.equal(
    parseError(callWithValue('<array><data><value>12345</value></data></array>'), limits).message,
    'string in parameter 0, item 0 exceeds the limit of 4 characters',
  );
});

t.test('string limit applies before the string ends', async (t) => {
  // The body ends inside the string. Only a parser that checks the length while text
  // accumulates reports the limit instead of the truncation.
  const body = `${HEAD}<param><value><string>${'x'.repeat(3 * MIB)}`;

  t.equal(
    parseError(body).message,
    'string in parameter 0 exceeds the limit of 1048576 characters',
  );
});

t.test('surrogate pairs across chunk boundaries', async (t) => {
  // With paddings of 0 to 3 characters, some runs put the surrogate pair of an emoji across
  // a 64 KiB boundary where the parser splits the body.
  for (const padding of [0, 1, 2, 3]) {
    const text = 'a'.repeat(padding) + '😀'.repeat(100_000);
    const call = parseMethodCall(callWithValue(`<string>${text}</string>`));
    t.equal((call.params[0] as { value: string }).value, text, `padding ${padding}`);
  }
});

t.test('parameter count at and past the limit', async (t) => {
  t.equal(parseMethodCall(callWithParams(64)).params.length, 64);

  const error = parseError(callWithParams(65));
  t.equal(error.message, 'call exceeds the limit of 64 parameters');
  t.equal(error.faultCode, FaultCode.limitExceeded);

  t.equal(parseMethodCall(callWithParams(3), { maxParams: 3 }).params.length, 3);
  t.equal(
    parseError(callWithParams(4), { maxParams: 3 }).message,
    'call exceeds the limit of 3 parameters',
  );
});

t.test('element count at and past the limit', async (t) => {
  // methodCall, methodName, params, then param, value and i4 for each parameter.
  const elementsIn = (params: number): number => 3 + 3 * params;
  t.equal(parseMethodCall(callWithParams(2), { maxElements: elementsIn(2) }).params.length, 2);

  const error = parseError(callWithParams(2), { maxElements: elementsIn(2) - 1 });
  t.equal(error.message, `call exceeds the limit of ${elementsIn(2) - 1} XML elements`);
  t.equal(error.faultCode, FaultCode.limitExceeded);

  const items = '<value>x</value>'.repeat(100_000);
  t.equal(
    parseError(callWithValue(`<array><data>${items}</data></array>`)).message,
    'call exceeds the limit of 100000 XML elements',
  );
});

t.test('invalid limits', async (t) => {
  t.throws(() => parseMethodCall(callWithParams(1), { maxDepth: -1 }), {
    name: 'RangeError',
    message: 'parse limit maxDepth must be a non-negative integer, got -1',
  });
  t.throws(() => parseMethodCall(callWithParams(1), { maxParams: 1.5 }), {
    name: 'RangeError',
    message: 'parse limit maxParams must be a non-negative integer, got 1.5',
  });
  t.throws(() => parseMethodCall(callWithParams(1), { maxElements: Number.POSITIVE_INFINITY }), {
    name: 'RangeError',
  });
  t.equal(parseMethodCall(callWithParams(1), { maxDepth: undefined }).params.length, 1);
});
