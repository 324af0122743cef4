import t from 'tap';
import type { Test } from 'tap';

import { FaultCode, XmlRpcParseError, parseMethodCall } from '../../../rpc/xmlrpc/index.js';

const HEAD = '<?xml version="1.0"?><methodCall><methodName>test.echo</methodName><params>';
const TAIL = '</params></methodCall>';

/** Builds a call whose parameters have the given `<value>` contents. */
function callWithValues(...valueContents: string[]): string {
  const params = valueContents.map((content) => `<param><value>${content}</value></param>`);
  return HEAD + params.join('') + TAIL;
}

function parseError(body: string): XmlRpcParseError {
  try {
    parseMethodCall(body);
  } catch (error) {
    if (error instanceof XmlRpcParseError) {
      return error;
    }
    throw error;
  }
  throw new Error('parseMethodCall accepted the body');
}

interface RejectCase {
  title: string;
  body: string;
  message: string;
}

function checkRejections(t: Test, cases: RejectCase[]): void {
  for (const { title, body, message } of cases) {
    const error = parseError(body);
    t.equal(error.message, message, title);
    t.equal(error.faultCode, FaultCode.parseError, `${title}: fault code`);
  }
}

t.test('document structure errors', async (t) => {
  checkRejections(t, [
    {
      title: 'DOCTYPE',
      body: '<!DOCTYPE methodCall [<!ENTITY x "y">]><methodCall/>',
      message: 'DOCTYPE declarations are not accepted',
    },
    {
      title: 'processing instruction',
      body: '<?xml-stylesheet href="a"?><methodCall/>',
      message: 'processing instruction "<?xml-stylesheet?>" is not accepted',
    },
    {
      title: 'XML declaration after whitespace',
      body: ' <?xml version="1.0"?><methodCall/>',
      message: 'the XML declaration must be at the start of the body',
    },
    {
      title: 'second XML declaration',
      body: '<?xml version="1.0"?><?xml version="1.0"?><methodCall/>',
      message: 'the XML declaration must be at the start of the body',
    },
    {
      title: 'wrong root element',
      body: '<methodResponse><params/></methodResponse>',
      message: 'expected <methodCall> as the root element, found "<methodResponse>"',
    },
    {
      title: 'second root element',
      body: '<methodCall><methodName>a</methodName></methodCall><methodCall/>',
      message: 'unexpected element <methodCall> after </methodCall>',
    },
    {
      title: 'empty body',
      body: '',
      message: 'missing <methodCall> element',
    },
    {
      title: 'missing methodName',
      body: '<methodCall><params/></methodCall>',
      message: 'missing <methodName> inside <methodCall>',
    },
    {
      title: 'duplicate methodName',
      body: '<methodCall><methodName>a</methodName><methodName>b</methodName></methodCall>',
      message: 'duplicate <methodName>',
    },
    {
      title: 'duplicate params',
      body: '<methodCall><methodName>a</methodName><params/><params/></methodCall>',
      message: 'duplicate <params>',
    },
    {
      title: 'attribute',
      body: '<methodCall xmlns="urn:x"><methodName>a</methodName></methodCall>',
      message: 'unexpected attribute "xmlns" on <methodCall>',
    },
    {
      title: 'markup declaration',
      body: '<methodCall><!ELEMENT a ANY><methodName>a</methodName></methodCall>',
      message: 'markup declaration "<!ELEMENT a ANY>" is not accepted',
    },
  ]);
});

t.test('truncated and malformed XML', async (t) => {
  checkRejections(t, [
    {
      title: 'truncated after the last param',
      body: `${HEAD}<param><value>x</value></param></params>`,
      message: 'XML is truncated: expected </methodCall>',
    },
    {
      title: 'truncated inside a string',
      body: `${HEAD}<param><value><string>abc`,
      message: 'XML is truncated: expected </string>',
    },
    {
      title: 'truncated inside a tag',
      body: '<methodCall><methodName>a</methodName><par',
      message: 'XML is truncated: expected </methodCall>',
    },
    {
      title: 'truncated XML declaration',
      body: '<?xml vers',
      message: 'malformed XML at line 1, column 10: unexpected end',
    },
    {
      title: 'mismatched close tag',
      body: '<methodCall>\n<methodName>a</methodname></methodCall>',
      message: 'malformed XML at line 2, column 26: unexpected close tag',
    },
    {
      title: 'garbage',
      body: 'GET / HTTP/1.1',
      message: 'malformed XML at line 1, column 1: non-whitespace before first tag',
    },
    {
      title: 'text after the root element',
      body: '<methodCall><methodName>a</methodName></methodCall>junk',
      message: 'malformed XML at line 1, column 52: text data outside of root node',
    },
    {
      title: 'undefined entity',
      body: callWithValues('<string>&nbsp;</string>'),
      message: 'malformed XML at line 1, column 103: invalid character entity',
    },
    {
      title: 'character reference to a control character',
      body: callWithValues('<string>&#1;</string>'),
      message: 'malformed XML at line 1, column 101: invalid character entity',
    },
  ]);

  const error = parseError('<methodCall><methodName>a</methodname></methodCall>');
  t.type(error.cause, Error, 'the sax error is kept as the cause');
});

t.test('unknown elements and text outside values', async (t) => {
  checkRejections(t, [
    {
      title: 'unknown element inside methodCall',
      body: '<methodCall><methodName>a</methodName><extra/></methodCall>',
      message: 'unknown element "<extra>" inside <methodCall>',
    },
    {
      title: 'unknown type inside value',
      body: callWithValues('<ex:nil/>'),
      message: 'unknown element "<ex:nil>" inside <value> in parameter 0',
    },
    {
      title: 'known element in the wrong place',
      body: callWithValues('<i4>1</i4>', '<member/>'),
      message: 'unexpected element <member> inside <value> in parameter 1',
    },
    {
      title: 'element names are case-sensitive',
      body: '<methodCall><METHODNAME>a</METHODNAME></methodCall>',
      message: 'unknown element "<METHODNAME>" inside <methodCall>',
    },
    {
      title: 'unknown element deep inside a parameter',
      body: callWithValues(
        '<array><data><value><struct><member><name>ID</name><value><foo/></value>' +
          '</member></struct></value></data></array>',
      ),
      message: 'unknown element "<foo>" inside <value> in parameter 0, item 0, member "ID"',
    },
    {
      title: 'text inside params',
      body: `${HEAD}stray<param><value>x</value></param>${TAIL}`,
      message: 'unexpected text "stray" inside <params>',
    },
    {
      title: 'CDATA inside methodCall',
      body: '<methodCall><![CDATA[x]]><methodName>a</methodName></methodCall>',
      message: 'unexpected text "x" inside <methodCall>',
    },
    {
      title: 'text before a type element',
      body: callWithValues('x<int>1</int>'),
      message: 'unexpected text "x" before <int> in parameter 0',
    },
    {
      title: 'text after a type element',
      body: callWithValues('<int>1</int>x'),
      message: 'unexpected text "x" inside <value> in parameter 0',
    },
    {
      title: 'text inside nil',
      body: callWithValues('<nil>x</nil>'),
      message: 'unexpected text "x" inside <nil> in parameter 0',
    },
    {
      title: 'text inside array',
      body: callWithValues('<array>x<data/></array>'),
      message: 'unexpected text "x" inside <array> in parameter 0',
    },
    {
      title: 'text between array items',
      body: callWithValues('<array><data><value>a</value>x<value>b</value></data></array>'),
      message: 'unexpected text "x" inside <data> in parameter 0',
    },
    {
      title: 'text between struct name and value',
      body: callWithValues('<struct><member><name>A</name>x<value>b</value></member></struct>'),
      message: 'unexpected text "x" inside <member> in parameter 0, member "A"',
    },
  ]);
});

t.test('value structure errors', async (t) => {
  checkRejections(t, [
    {
      title: 'two types in one value',
      body: callWithValues('<int>1</int><int>2</int>'),
      message: 'unexpected <int> after another type inside <value> in parameter 0',
    },
    {
      title: 'param without value',
      body: `${HEAD}<param></param>${TAIL}`,
      message: 'missing <value> in parameter 0',
    },
    {
      title: 'param with two values',
      body: `${HEAD}<param><value>a</value><value>b</value></param>${TAIL}`,
      message: 'unexpected second <value> in parameter 0',
    },
    {
      title: 'array without data',
      body: callWithValues('<array></array>'),
      message: 'missing <data> inside <array> in parameter 0',
    },
    {
      title: 'array with two data',
      body: callWithValues('<array><data/><data/></array>'),
      message: 'unexpected second <data> inside <array> in parameter 0',
    },
    {
      title: 'member without name',
      body: callWithValues('<struct><member><value>x</value></member></struct>'),
      message: 'missing <name> inside <member> in parameter 0',
    },
    {
      title: 'member without value',
      body: callWithValues('<struct><member><name>A</name></member></struct>'),
      message: 'missing <value> for struct member "A" in parameter 0',
    },
    {
      title: 'member with two names',
      body: callWithValues('<struct><member><name>A</name><name>B</name></member></struct>'),
      message: 'unexpected second <name> inside <member> in parameter 0, member "A"',
    },
    {
      title: 'member with two values',
      body: callWithValues(
        '<struct><member><name>A</name><value>1</value><value>2</value></member></struct>',
      ),
      message: 'unexpected second <value> inside <member> in parameter 0, member "A"',
    },
    {
      title: 'duplicate member',
      body: callWithValues(
        '<struct><member><name>A</name><value>1</value></member>' +
          '<member><name>A</name><value>2</value></member></struct>',
      ),
      message: 'duplicate struct member "A" in parameter 0',
    },
  ]);
});

t.test('invalid scalar values', async (t) => {
  checkRejections(t, [
    {
      title: 'int with trailing junk',
      body: callWithValues('<string>s</string>', '<int>12x</int>'),
      message: 'invalid <int> value "12x" in parameter 1: expected an integer in decimal digits',
    },
    {
      title: 'empty int',
      body: callWithValues('<i4></i4>'),
      message: 'invalid <i4> value "" in parameter 0: expected an integer in decimal digits',
    },
    {
      title: 'int with spaces',
      body: callWithValues('<i4> 1</i4>'),
      message: 'invalid <i4> value " 1" in parameter 0: expected an integer in decimal digits',
    },
    {
      title: 'int with a decimal point',
      body: callWithValues('<int>1.0</int>'),
      message: 'invalid <int> value "1.0" in parameter 0: expected an integer in decimal digits',
    },
    {
      title: 'int above int32',
      body: callWithValues('<int>2147483648</int>'),
      message:
        'invalid <int> value "2147483648" in parameter 0: ' +
        'expected an integer from -2147483648 to 2147483647',
    },
    {
      title: 'i4 below int32',
      body: callWithValues('<i4>-2147483649</i4>'),
      message:
        'invalid <i4> value "-2147483649" in parameter 0: ' +
        'expected an integer from -2147483648 to 2147483647',
    },
    {
      title: 'i8 above the safe integer range',
      body: callWithValues('<i8>9007199254740992</i8>'),
      message:
        'invalid <i8> value "9007199254740992" in parameter 0: ' +
        'expected an integer from -9007199254740991 to 9007199254740991',
    },
    {
      title: 'i8 at the int64 maximum',
      body: callWithValues('<i8>9223372036854775807</i8>'),
      message:
        'invalid <i8> value "9223372036854775807" in parameter 0: ' +
        'expected an integer from -9007199254740991 to 9007199254740991',
    },
    {
      title: 'hexadecimal i8',
      body: callWithValues('<i8>0x10</i8>'),
      message: 'invalid <i8> value "0x10" in parameter 0: expected an integer in decimal digits',
    },
    {
      title: 'boolean word',
      body: callWithValues('<boolean>true</boolean>'),
      message: 'invalid <boolean> value "true" in parameter 0: expected 0 or 1',
    },
    {
      title: 'boolean 2',
      body: callWithValues('<boolean>2</boolean>'),
      message: 'invalid <boolean> value "2" in parameter 0: expected 0 or 1',
    },
    {
      title: 'double NaN',
      body: callWithValues('<double>nan</double>'),
      message: 'invalid <double> value "nan" in parameter 0: expected a finite decimal number',
    },
    {
      title: 'double infinity',
      body: callWithValues('<double>Infinity</double>'),
      message:
        'invalid <double> value "Infinity" in parameter 0: expected a finite decimal number',
    },
    {
      title: 'double overflow',
      body: callWithValues('<double>1e400</double>'),
      message: 'invalid <double> value "1e400" in parameter 0: expected a finite decimal number',
    },
    {
      title: 'hexadecimal double',
      body: callWithValues('<double>0x1A</double>'),
      message: 'invalid <double> value "0x1A" in parameter 0: expected a finite decimal number',
    },
    {
      title: 'empty double',
      body: callWithValues('<double></double>'),
      message: 'invalid <double> value "" in parameter 0: expected a finite decimal number',
    },
    {
      title: 'base64 with a foreign character',
      body: callWithValues('<base64>aGVsbG8*</base64>'),
      message: 'invalid <base64> value "aGVsbG8*" in parameter 0: expected padded base64 text',
    },
    {
      title: 'base64 without padding',
      body: callWithValues('<base64>aGVsbG8</base64>'),
      message: 'invalid <base64> value "aGVsbG8" in parameter 0: expected padded base64 text',
    },
    {
      title: 'base64 with padding in the middle',
      body: callWithValues('<base64>aG==bG8=</base64>'),
      message: 'invalid <base64> value "aG==bG8=" in parameter 0: expected padded base64 text',
    },
    {
      title: 'dateTime that is not ISO 8601',
      body: callWithValues('<dateTime.iso8601>yesterday</dateTime.iso8601>'),
      message:
        'invalid <dateTime.iso8601> value "yesterday" in parameter 0: ' +
        'expected an ISO 8601 date and time such as 19980717T14:08:55',
    },
    {
      title: 'invalid int inside an array',
      body: callWithValues(
        '<array><data><value><i4>1</i4></value><value><i4>x</i4></value></data></array>',
      ),
      message:
        'invalid <i4> value "x" in parameter 0, item 1: expected an integer in decimal digits',
    },
  ]);
});

t.test('client element names are quoted', async (t) => {
  const longName = `secret${'x'.repeat(100)}`;
  const error = parseError(`<methodCall><${longName}/></methodCall>`);

  t.equal(
    error.message,
    `unknown element "<secret${'x'.repeat(33)}…" (108 characters) inside <methodCall>`,
  );
});

t.test('long invalid values are cut in messages', async (t) => {
  const error = parseError(callWithValues(`<int>${'9'.repeat(1000)}</int>`));

  t.equal(
    error.message,
    `invalid <int> value "${'9'.repeat(40)}…" (1000 characters) in parameter 0: ` +
      'expected an integer from -2147483648 to 2147483647',
  );
});

t.test('characters that XML 1.0 does not allow', async (t) => {
  checkRejections(t, [
    {
      title: 'control character in a string',
      body: callWithValues('<string>bell\u0007</string>'),
      message: 'string in parameter 0 contains the character U+0007, which XML 1.0 does not allow',
    },
    {
      title: 'NUL in an untyped value',
      body: callWithValues('a\u0000b'),
      message: 'string in parameter 0 contains the character U+0000, which XML 1.0 does not allow',
    },
    {
      title: 'control character in CDATA',
      body: callWithValues('<string><![CDATA[\u001b[0m]]></string>'),
      message: 'string in parameter 0 contains the character U+001B, which XML 1.0 does not allow',
    },
    {
      title: 'U+FFFF in a member name',
      body: callWithValues('<struct><member><name>\uffff</name><value>x</value></member></struct>'),
      message:
        'struct member name in parameter 0 contains the character U+FFFF, ' +
        'which XML 1.0 does not allow',
    },
    {
      title: 'unpaired surrogate',
      body: callWithValues('<string>\ud800x</string>'),
      message: 'string in parameter 0 contains the character U+D800, which XML 1.0 does not allow',
    },
    {
      title: 'control character in a method name',
      body: '<methodCall><methodName>a\u0001</methodName></methodCall>',
      message: 'method name contains the character U+0001, which XML 1.0 does not allow',
    },
  ]);
});

t.test('method name rules', async (t) => {
  checkRejections(t, [
    {
      title: 'empty method name',
      body: '<methodCall><methodName></methodName></methodCall>',
      message: 'invalid method name "": expected 1 to 256 printable ASCII characters',
    },
    {
      title: 'non-ASCII method name',
      body: '<methodCall><methodName>one.vm.infö</methodName></methodCall>',
      message: 'invalid method name "one.vm.infö": expected 1 to 256 printable ASCII characters',
    },
    {
      title: 'method name with a tab',
      body: '<methodCall><methodName>one.vm\tinfo</methodName></methodCall>',
      message: 'invalid method name "one.vm\\tinfo": expected 1 to 256 printable ASCII characters',
    },
    {
      title: 'method name of 257 characters',
      body: `<methodCall><methodName>${'m'.repeat(257)}</methodName></methodCall>`,
      message: 'invalid method name: longer than 256 characters',
    },
  ]);
});
