import t from 'tap';

import {
  I8,
  serializeFault,
  serializeMethodResponse,
  serializeValue,
} from '../../../rpc/xmlrpc/index.js';
import type { ResponseValue } from '../../../rpc/xmlrpc/index.js';

const RESPONSE_START = '<?xml version="1.0"?>\n<methodResponse><params><param>';
const RESPONSE_END = '</param></params></methodResponse>';

t.test('response envelope', async (t) => {
  t.equal(
    serializeMethodResponse('6.10.5'),
    '<?xml version="1.0"?>\n<methodResponse><params><param>' +
      '<value><string>6.10.5</string></value>' +
      '</param></params></methodResponse>',
  );
});

t.test('OpenNebula success and failure arrays', async (t) => {
  t.equal(
    serializeMethodResponse([true, '<VM><ID>0</ID></VM>', 0]),
    RESPONSE_START +
      '<value><array><data>' +
      '<value><boolean>1</boolean></value>' +
      '<value><string>&lt;VM&gt;&lt;ID&gt;0&lt;/ID&gt;&lt;/VM&gt;</string></value>' +
      '<value><i4>0</i4></value>' +
      '</data></array></value>' +
      RESPONSE_END,
  );
  t.equal(
    serializeMethodResponse([
      false,
      '[one.vm.info] Error getting virtual machine [7].',
      1024,
      7,
      new I8(-1),
    ]),
    RESPONSE_START +
      '<value><array><data>' +
      '<value><boolean>0</boolean></value>' +
      '<value><string>[one.vm.info] Error getting virtual machine [7].</string></value>' +
      '<value><i4>1024</i4></value>' +
      '<value><i4>7</i4></value>' +
      '<value><i8>-1</i8></value>' +
      '</data></array></value>' +
      RESPONSE_END,
  );
});

t.test('number types', async (t) => {
  const cases: [number | I8, string][] = [
    [0, '<i4>0</i4>'],
    [-0, '<i4>0</i4>'],
    [2147483647, '<i4>2147483647</i4>'],
    [-2147483648, '<i4>-2147483648</i4>'],
    [2147483648, '<i8>2147483648</i8>'],
    [-2147483649, '<i8>-2147483649</i8>'],
    [Number.MAX_SAFE_INTEGER, '<i8>9007199254740991</i8>'],
    [Number.MIN_SAFE_INTEGER, '<i8>-9007199254740991</i8>'],
    [2 ** 60, '<double>1152921504606847000</double>'],
    [1.5, '<double>1.5</double>'],
    [-0.1, '<double>-0.1</double>'],
    [1e-7, '<double>1e-7</double>'],
    [1.5e300, '<double>1.5e+300</double>'],
    [new I8(5), '<i8>5</i8>'],
    [new I8(-1), '<i8>-1</i8>'],
    [new I8(9223372036854775807n), '<i8>9223372036854775807</i8>'],
    [new I8(-9223372036854775808n), '<i8>-9223372036854775808</i8>'],
  ];

  for (const [value, expected] of cases) {
    const label = value instanceof I8 ? `I8(${value.value})` : String(value);
    t.equal(serializeValue(value), `<value>${expected}</value>`, label);
  }
});

t.test('booleans and strings', async (t) => {
  t.equal(serializeValue(true), '<value><boolean>1</boolean></value>');
  t.equal(serializeValue(false), '<value><boolean>0</boolean></value>');
  t.equal(serializeValue(''), '<value><string></string></value>');
  t.equal(
    serializeValue('a & b <c> "d" \'e\''),
    '<value><string>a &amp; b &lt;c&gt; "d" \'e\'</string></value>',
  );
  t.equal(serializeValue('tab\tline\nend'), '<value><string>tab\tline\nend</string></value>');
  t.equal(serializeValue('cr\r\nlf'), '<value><string>cr&#13;\nlf</string></value>');
  t.equal(serializeValue('é 😀'), '<value><string>é 😀</string></value>');
});

t.test('arrays and structs', async (t) => {
  t.equal(serializeValue([]), '<value><array><data></data></array></value>');
  t.equal(serializeValue({}), '<value><struct></struct></value>');
  t.equal(
    serializeValue({ ID: 3, 'a&b': ['x', { deep: false }] }),
    '<value><struct>' +
      '<member><name>ID</name><value><i4>3</i4></value></member>' +
      '<member><name>a&amp;b</name><value><array><data>' +
      '<value><string>x</string></value>' +
      '<value><struct>' +
      '<member><name>deep</name><value><boolean>0</boolean></value></member>' +
      '</struct></value>' +
      '</data></array></value></member>' +
      '</struct></value>',
  );

  const withoutPrototype: Record<string, ResponseValue> = Object.create(null);
  withoutPrototype.A = 1;
  t.equal(
    serializeValue(withoutPrototype),
    '<value><struct><member><name>A</name><value><i4>1</i4></value></member></struct></value>',
  );
});

t.test('values XML-RPC cannot represent', async (t) => {
  t.throws(() => serializeValue(Number.NaN), {
    name: 'TypeError',
    message: 'cannot serialize NaN as XML-RPC: <double> must be finite',
  });
  t.throws(() => serializeValue(Number.POSITIVE_INFINITY), { name: 'TypeError' });
  t.throws(() => serializeValue(null as unknown as ResponseValue), {
    name: 'TypeError',
    message: 'cannot serialize null as XML-RPC',
  });
  t.throws(() => serializeValue(undefined as unknown as ResponseValue), {
    name: 'TypeError',
    message: 'cannot serialize a value of type undefined as XML-RPC',
  });
  t.throws(() => serializeValue([1, new Date(0) as unknown as ResponseValue]), {
    name: 'TypeError',
    message: 'cannot serialize an instance of Date as XML-RPC',
  });
  t.throws(() => serializeValue(new Map() as unknown as ResponseValue), {
    name: 'TypeError',
    message: 'cannot serialize an instance of Map as XML-RPC',
  });
  t.throws(() => serializeValue('bell\u0007'), {
    name: 'TypeError',
    message: 'cannot serialize a string containing U+0007, which XML 1.0 does not allow',
  });
  t.throws(() => serializeValue({ ['key\u0000']: 1 }), { name: 'TypeError' });
});

t.test('I8 range', async (t) => {
  t.throws(() => new I8(2 ** 53), {
    name: 'RangeError',
    message: 'I8 needs a safe integer or a bigint in the int64 range, got 9007199254740992',
  });
  t.throws(() => new I8(1.5), { name: 'RangeError' });
  t.throws(() => new I8(2n ** 63n), { name: 'RangeError' });
  t.throws(() => new I8(-(2n ** 63n) - 1n), { name: 'RangeError' });
});

t.test('fault envelope', async (t) => {
  t.equal(
    serializeFault(-506, "Method 'one.nope' not defined & <gone>"),
    '<?xml version="1.0"?>\n<methodResponse><fault><value><struct>' +
      '<member><name>faultCode</name><value><i4>-506</i4></value></member>' +
      '<member><name>faultString</name><value><string>' +
      "Method 'one.nope' not defined &amp; &lt;gone&gt;" +
      '</string></value></member>' +
      '</struct></value></fault></methodResponse>',
  );
});

t.test('fault code and message checks', async (t) => {
  t.throws(() => serializeFault(1.5, 'x'), {
    name: 'RangeError',
    message: 'fault code must be an int32 integer, got 1.5',
  });
  t.throws(() => serializeFault(2 ** 31, 'x'), { name: 'RangeError' });
  t.match(serializeFault(-503, 'bad\u0001byte'), '<string>bad\ufffdbyte</string>');
});

t.test('10 MB XML document as a string', async (t) => {
  const vm =
    '<VM><ID>1</ID><NAME>vm &amp; "x"</NAME><TEMPLATE><CPU><![CDATA[1]]></CPU></TEMPLATE></VM>';
  const document = `<VM_POOL>${vm.repeat(Math.ceil(10_000_000 / vm.length))}</VM_POOL>`;
  const escapedVm =
    '&lt;VM&gt;&lt;ID&gt;1&lt;/ID&gt;&lt;NAME&gt;vm &amp;amp; "x"&lt;/NAME&gt;' +
    '&lt;TEMPLATE&gt;&lt;CPU&gt;&lt;![CDATA[1]]&gt;&lt;/CPU&gt;&lt;/TEMPLATE&gt;&lt;/VM&gt;';

  const response = serializeMethodResponse([true, document, 0]);

  const start =
    `${RESPONSE_START}<value><array><data><value><boolean>1</boolean></value>` +
    `<value><string>&lt;VM_POOL&gt;${escapedVm}`;
  const end =
    `${escapedVm}&lt;/VM_POOL&gt;</string></value>` +
    `<value><i4>0</i4></value></data></array></value>${RESPONSE_END}`;

  t.ok(response.startsWith(start), 'the response starts with the escaped document');
  t.ok(response.endsWith(end), 'the response ends with the escaped document and the code');
  t.equal(response.split('&lt;VM&gt;').length - 1, Math.ceil(10_000_000 / vm.length));
});
