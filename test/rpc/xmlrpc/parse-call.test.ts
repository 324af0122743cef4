import { createRequire } from 'node:module';

import t from 'tap';

import { parseMethodCall } from '../../../rpc/xmlrpc/index.js';
import type { XmlRpcValue } from '../../../rpc/xmlrpc/index.js';
import {
  pythonAllTypes,
  pythonNoParams,
  pythonUserAllocate,
  pythonVmInfo,
  pythonVmpoolInfo,
  rubyImageAllocate,
  rubyNoParams,
  rubyUserAllocate,
  rubyVmInfo,
  rubyVmpoolInfo,
} from '../../fixtures/xmlrpc/method-calls.js';

const int = (value: number): XmlRpcValue => ({ type: 'int', value });
const str = (value: string): XmlRpcValue => ({ type: 'string', value });
const bool = (value: boolean): XmlRpcValue => ({ type: 'boolean', value });
const double = (value: number): XmlRpcValue => ({ type: 'double', value });
const array = (...items: XmlRpcValue[]): XmlRpcValue => ({ type: 'array', items });
const struct = (members: Record<string, XmlRpcValue>): XmlRpcValue => ({
  type: 'struct',
  members: new Map(Object.entries(members)),
});

/** Wraps the XML of one `<value>` content in a call with a single parameter. */
function callWithValue(valueContent: string): string {
  return (
    '<?xml version="1.0"?><methodCall><methodName>test.echo</methodName><params>' +
    `<param><value>${valueContent}</value></param></params></methodCall>`
  );
}

function parseValue(valueContent: string): XmlRpcValue | undefined {
  return parseMethodCall(callWithValue(valueContent)).params[0];
}

t.test('python xmlrpc.client calls', async (t) => {
  t.same(parseMethodCall(pythonVmpoolInfo), {
    methodName: 'one.vmpool.info',
    params: [str('oneadmin:pw'), int(-2), int(-1), int(-1)],
  });
  t.same(parseMethodCall(pythonVmInfo), {
    methodName: 'one.vm.info',
    params: [str('oneadmin:pw'), int(0), bool(false)],
  });
  t.same(parseMethodCall(pythonUserAllocate), {
    methodName: 'one.user.allocate',
    params: [str('oneadmin:pw'), str('bob'), str('pw'), str('core'), array()],
  });
  t.same(parseMethodCall(pythonNoParams), { methodName: 'system.listMethods', params: [] });
});

t.test('python call with every type', async (t) => {
  const call = parseMethodCall(pythonAllTypes);
  const binary = Buffer.from('\x00\x01binary\xff'.repeat(30), 'latin1');

  t.equal(call.methodName, 'stratus.test.allTypes');
  t.same(call.params, [
    str('oneadmin:pw'),
    str('NAME="a&b" <x> \'q\' é 😀\n\ttab'),
    int(2147483647),
    int(-2147483648),
    double(0.1),
    double(-1e100),
    bool(true),
    struct({
      ID: int(7),
      TAGS: array(str('a'), struct({ deep: array(int(1), int(2)) })),
      EMPTY: str(''),
    }),
    { type: 'nil' },
    { type: 'base64', value: binary },
    { type: 'dateTime', value: '20240102T03:04:05' },
    str(''),
  ]);
});

t.test('ruby xmlrpc gem calls', async (t) => {
  t.same(parseMethodCall(rubyVmpoolInfo), {
    methodName: 'one.vmpool.info',
    params: [str('oneadmin:opennebula'), int(-2), int(-1), int(-1), int(-1), str('')],
  });
  t.same(parseMethodCall(rubyUserAllocate).params[4], array());
  t.same(parseMethodCall(rubyVmInfo).params, [str('oneadmin:opennebula'), int(0), bool(false)]);
  t.same(parseMethodCall(rubyImageAllocate).params, [
    str('oneadmin:opennebula'),
    str('PATH="/srv/x.qcow2"\nNAME="img2"\nDESCRIPTION="a & b <c>"\n'),
    int(1),
    bool(false),
  ]);
  t.same(parseMethodCall(rubyNoParams), { methodName: 'system.listMethods', params: [] });
});

t.test('xmlrpc package client calls', async (t) => {
  const require = createRequire(import.meta.url);
  const serializer = require('xmlrpc/lib/serializer.js') as {
    serializeMethodCall(method: string, params: unknown[]): string;
  };
  const body = serializer.serializeMethodCall('one.vm.action', [
    'oneadmin:pw',
    'terminate-hard',
    42,
    2.5,
    true,
    null,
    Buffer.from('raw'),
    { NAME: 'x', IDS: [1, 2] },
  ]);

  t.same(parseMethodCall(body), {
    methodName: 'one.vm.action',
    params: [
      str('oneadmin:pw'),
      str('terminate-hard'),
      int(42),
      double(2.5),
      bool(true),
      { type: 'nil' },
      { type: 'base64', value: Buffer.from('raw') },
      struct({ NAME: str('x'), IDS: array(int(1), int(2)) }),
    ],
  });
});

t.test('untyped values are strings with exact text', async (t) => {
  t.same(parseValue('plain'), str('plain'));
  t.same(parseValue('  two  spaces \n'), str('  two  spaces \n'));
  t.same(parseValue(''), str(''));
  t.same(parseMethodCall(callWithValue('x').replace('<value>x</value>', '<value/>')).params, [
    str(''),
  ]);
});

t.test('typed values ignore surrounding whitespace', async (t) => {
  t.same(parseValue('\n  <int>5</int>\n'), int(5));
  t.same(parseValue(' <array> <data> <value>a</value> </data> </array> '), array(str('a')));
});

t.test('string text decoding', async (t) => {
  t.same(
    parseValue('<string>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;</string>'),
    str('a & b <c> "d" \'e\''),
  );
  t.same(parseValue('<string>&#65;&#x42;&#x1F600;</string>'), str('AB😀'));
  t.same(parseValue('<string><![CDATA[<raw> & ]]></string>'), str('<raw> & '));
  t.same(parseValue('<string>ab<!-- note -->cd</string>'), str('abcd'));
  t.same(parseValue('<string>tab\there\r\nline</string>'), str('tab\there\r\nline'));
  t.same(parseValue('<string/>'), str(''));
});

t.test('integer forms', async (t) => {
  t.same(parseValue('<i4>+7</i4>'), int(7));
  t.same(parseValue('<int>007</int>'), int(7));
  t.same(parseValue('<int>-0</int>'), int(0));
  t.ok(Object.is((parseValue('<int>-0</int>') as { value: number }).value, 0), '-0 becomes 0');
  t.same(parseValue('<i8>-1</i8>'), int(-1));
  t.same(parseValue('<i8>9007199254740991</i8>'), int(Number.MAX_SAFE_INTEGER));
  t.same(parseValue('<i8>-9007199254740991</i8>'), int(Number.MIN_SAFE_INTEGER));
  t.same(parseValue('<i8>4294967296</i8>'), int(4294967296));
});

t.test('double forms', async (t) => {
  t.same(parseValue('<double>-12.214</double>'), double(-12.214));
  t.same(parseValue('<double>1.</double>'), double(1));
  t.same(parseValue('<double>.5</double>'), double(0.5));
  t.same(parseValue('<double>1e+100</double>'), double(1e100));
  t.same(parseValue('<double>2E-3</double>'), double(0.002));
  t.same(parseValue('<double>42</double>'), double(42));
});

t.test('boolean, nil, base64 and dateTime forms', async (t) => {
  t.same(parseValue('<boolean>1</boolean>'), bool(true));
  t.same(parseValue('<boolean>0</boolean>'), bool(false));
  t.same(parseValue('<nil/>'), { type: 'nil' });
  t.same(parseValue('<nil></nil>'), { type: 'nil' });
  t.same(parseValue('<base64>aGVs\n bG8=</base64>'), {
    type: 'base64',
    value: Buffer.from('hello'),
  });
  t.same(parseValue('<base64></base64>'), { type: 'base64', value: Buffer.alloc(0) });
  t.same(parseValue('<dateTime.iso8601>19980717T14:08:55</dateTime.iso8601>'), {
    type: 'dateTime',
    value: '19980717T14:08:55',
  });
  t.same(parseValue('<dateTime.iso8601>1998-07-17T14:08:55.25+02:00</dateTime.iso8601>'), {
    type: 'dateTime',
    value: '1998-07-17T14:08:55.25+02:00',
  });
});

t.test('struct members keep names and order', async (t) => {
  const value = parseValue(
    '<struct><member><name>B</name><value><i4>2</i4></value></member>' +
      '<member><name> spaced &amp; </name><value>x</value></member>' +
      '<member><value><i4>1</i4></value><name>A</name></member></struct>',
  );

  t.same(value, struct({ B: int(2), ' spaced & ': str('x'), A: int(1) }));
  const members = (value as { members: Map<string, XmlRpcValue> }).members;
  t.same([...members.keys()], ['B', ' spaced & ', 'A']);
  t.same(parseValue('<struct/>'), struct({}));
});

t.test('document framing', async (t) => {
  const bare = '<methodCall><methodName>m</methodName></methodCall>';
  t.same(parseMethodCall(bare), { methodName: 'm', params: [] });
  t.same(parseMethodCall(`\ufeff<?xml version="1.0" encoding="UTF-8"?>${bare}`).methodName, 'm');
  t.same(parseMethodCall(`<!-- leading comment -->\n${bare}\n\n`).methodName, 'm');
  const paramsFirst = '<methodCall><params/><methodName>m</methodName></methodCall>';
  t.same(parseMethodCall(paramsFirst).params, []);

  const spaced = '<methodCall><methodName>one.vm.info with space</methodName></methodCall>';
  t.equal(parseMethodCall(spaced).methodName, 'one.vm.info with space');

  const longest = `<methodCall><methodName>${'m'.repeat(256)}</methodName></methodCall>`;
  t.equal(parseMethodCall(longest).methodName.length, 256);
});

t.test('typical OpenNebula call rate', async (t) => {
  const rounds = 20_000;
  const started = process.hrtime.bigint();
  for (let round = 0; round < rounds; round++) {
    parseMethodCall(rubyVmpoolInfo);
  }
  const microseconds = Number(process.hrtime.bigint() - started) / 1000 / rounds;

  t.comment(`parsed ${rounds} one.vmpool.info calls at about ${microseconds.toFixed(1)} µs each`);
  t.equal(parseMethodCall(rubyVmpoolInfo).params.length, 6);
});
