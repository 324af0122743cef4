import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';

import t from 'tap';

import {
  I8,
  parseMethodCall,
  serializeFault,
  serializeMethodResponse,
} from '../../../rpc/xmlrpc/index.js';
import type { ResponseValue, XmlRpcValue } from '../../../rpc/xmlrpc/index.js';

type FaultError = Error & { faultCode?: number; faultString?: string };

interface XmlrpcDeserializer {
  deserializeMethodResponse(
    stream: Readable,
    callback: (error: FaultError | null, value?: unknown) => void,
  ): void;
}

// The xmlrpc package ships no types for its deserializer module.
const require = createRequire(import.meta.url);
const Deserializer = require('xmlrpc/lib/deserializer.js') as new () => XmlrpcDeserializer;

/** Reads a response with the client-side deserializer of the xmlrpc npm package. */
function readWithXmlrpcPackage(xml: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const stream = new Readable({ read() {} });
    stream.push(Buffer.from(xml, 'utf8'));
    stream.push(null);
    new Deserializer().deserializeMethodResponse(stream, (error, value) => {
      if (error) {
        reject(error);
      } else {
        resolve(value);
      }
    });
  });
}

// Prints what xmlrpc.client.loads returns as JSON in which every value is tagged with its
// Python type, so that an int and a float with the same value stay distinct.
const PYTHON_READER = `
import base64, json, sys, xmlrpc.client

def tag(value):
    if isinstance(value, bool):
        return {"boolean": value}
    if isinstance(value, int):
        return {"int": value}
    if isinstance(value, float):
        return {"double": value}
    if isinstance(value, str):
        return {"string": value}
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode()}
    if isinstance(value, list):
        return {"array": [tag(item) for item in value]}
    if isinstance(value, dict):
        return {"struct": {key: tag(item) for key, item in value.items()}}
    if value is None:
        return {"nil": True}
    raise TypeError(type(value).__name__)

try:
    params, method = xmlrpc.client.loads(sys.stdin.buffer.read(), use_builtin_types=True)
    print(json.dumps({"params": [tag(param) for param in params]}))
except xmlrpc.client.Fault as fault:
    print(json.dumps({"faultCode": fault.faultCode, "faultString": fault.faultString}))
`;

const pythonMissing = (() => {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'python3 is not on PATH';
  }
})();

function readWithPython(xml: string): unknown {
  const output = execFileSync('python3', ['-c', PYTHON_READER], {
    input: Buffer.from(xml, 'utf8'),
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(output.toString('utf8'));
}

const ONE_FAILURE: ResponseValue = [
  false,
  '[one.vm.info] Error getting virtual machine [7].',
  1024,
  7,
  new I8(-1),
];

const MIXED: ResponseValue = {
  NAME: 'a & b <c> "d" \'e\' é 😀',
  LINES: 'one\r\ntwo\rthree\n\tindented',
  SMALL: -2147483648,
  BIG: 2 ** 40,
  HALF: 0.5,
  TINY: 1e-7,
  ON: true,
  LIST: [[], {}, ['nested', [1, new I8(2)]]],
};

t.test('xmlrpc package reads responses', async (t) => {
  t.same(await readWithXmlrpcPackage(serializeMethodResponse([true, '<VM/>', 0])), [
    true,
    '<VM/>',
    0,
  ]);
  // The xmlrpc package returns <i8> values as strings.
  t.same(await readWithXmlrpcPackage(serializeMethodResponse(ONE_FAILURE)), [
    false,
    '[one.vm.info] Error getting virtual machine [7].',
    1024,
    7,
    '-1',
  ]);
  t.same(await readWithXmlrpcPackage(serializeMethodResponse(MIXED)), {
    NAME: 'a & b <c> "d" \'e\' é 😀',
    LINES: 'one\r\ntwo\rthree\n\tindented',
    SMALL: -2147483648,
    BIG: '1099511627776',
    HALF: 0.5,
    TINY: 1e-7,
    ON: true,
    LIST: [[], {}, ['nested', [1, '2']]],
  });
});

t.test('xmlrpc package reads faults', async (t) => {
  const fault = serializeFault(-501, 'Not enough parameters & <more>');
  const error = await readWithXmlrpcPackage(fault).then(
    () => undefined,
    (rejection: FaultError) => rejection,
  );

  t.equal(error?.faultCode, -501);
  t.equal(error?.faultString, 'Not enough parameters & <more>');
});

t.test('python xmlrpc.client reads responses', { skip: pythonMissing }, async (t) => {
  t.same(readWithPython(serializeMethodResponse(ONE_FAILURE)), {
    params: [
      {
        array: [
          { boolean: false },
          { string: '[one.vm.info] Error getting virtual machine [7].' },
          { int: 1024 },
          { int: 7 },
          { int: -1 },
        ],
      },
    ],
  });
  t.same(readWithPython(serializeMethodResponse(MIXED)), {
    params: [
      {
        struct: {
          NAME: { string: 'a & b <c> "d" \'e\' é 😀' },
          LINES: { string: 'one\r\ntwo\rthree\n\tindented' },
          SMALL: { int: -2147483648 },
          BIG: { int: 1099511627776 },
          HALF: { double: 0.5 },
          TINY: { double: 1e-7 },
          ON: { boolean: true },
          LIST: {
            array: [
              { array: [] },
              { struct: {} },
              { array: [{ string: 'nested' }, { array: [{ int: 1 }, { int: 2 }] }] },
            ],
          },
        },
      },
    ],
  });
});

t.test('python xmlrpc.client reads faults', { skip: pythonMissing }, async (t) => {
  t.same(readWithPython(serializeFault(-506, "Method 'one.nope' not defined")), {
    faultCode: -506,
    faultString: "Method 'one.nope' not defined",
  });
});

t.test('python reads a 10 MB string', { skip: pythonMissing }, async (t) => {
  const vm =
    '<VM><ID>1</ID><NAME>vm &amp; "x"</NAME><TEMPLATE><CPU><![CDATA[1]]></CPU></TEMPLATE></VM>';
  const document = `<VM_POOL>${vm.repeat(Math.ceil(10_000_000 / vm.length))}</VM_POOL>`;

  const result = readWithPython(serializeMethodResponse([true, document, 0])) as {
    params: [{ array: [unknown, { string: string }, unknown] }];
  };

  t.equal(result.params[0].array[1].string.length, document.length);
  t.ok(result.params[0].array[1].string === document, 'the document arrives unchanged');
});

t.test('python xmlrpc.client calls parse', { skip: pythonMissing }, async (t) => {
  const writer = `
import sys, xmlrpc.client
sys.stdout.write(xmlrpc.client.dumps(
    ("oneadmin:pw", "line\\r\\nbreak & <tag>", 2**31 - 1, -2**31, 2.5, True, {"K": [1, "x"]}, None),
    "one.test.echo", allow_none=True))
`;
  const body = execFileSync('python3', ['-c', writer]).toString('utf8');
  const str = (value: string): XmlRpcValue => ({ type: 'string', value });
  const int = (value: number): XmlRpcValue => ({ type: 'int', value });

  t.same(parseMethodCall(body), {
    methodName: 'one.test.echo',
    params: [
      str('oneadmin:pw'),
      // Python writes a literal CR, which the parser keeps as written.
      str('line\r\nbreak & <tag>'),
      int(2147483647),
      int(-2147483648),
      { type: 'double', value: 2.5 },
      { type: 'boolean', value: true },
      { type: 'struct', members: new Map([['K', { type: 'array', items: [int(1), str('x')] }]]) },
      { type: 'nil' },
    ],
  });
});
