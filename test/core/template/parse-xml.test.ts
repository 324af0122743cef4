import t from 'tap';

import { Template, TemplateError } from '../../../core/template/index.js';

interface ValidCase {
  name: string;
  xml: string;
  expected: unknown;
}

const validCases: ValidCase[] = [
  { name: 'empty root', xml: '<TEMPLATE/>', expected: [] },
  { name: 'empty root with end tag', xml: '<TEMPLATE></TEMPLATE>', expected: [] },
  { name: 'single attribute', xml: '<TEMPLATE><CPU>1</CPU></TEMPLATE>', expected: [['CPU', '1']] },
  { name: 'other root name', xml: '<USER_TEMPLATE><A>x</A></USER_TEMPLATE>', expected: [['A', 'x']] },
  { name: 'lower-case root name', xml: '<template><A>x</A></template>', expected: [['A', 'x']] },
  {
    name: 'vector',
    xml: '<TEMPLATE><CPU>1</CPU><DISK><IMAGE_ID>3</IMAGE_ID><TARGET>vda</TARGET></DISK></TEMPLATE>',
    expected: [['CPU', '1'], ['DISK', [['IMAGE_ID', '3'], ['TARGET', 'vda']]]],
  },
  {
    name: 'repeated elements',
    xml: '<T><DISK><ID>0</ID></DISK><DISK><ID>1</ID></DISK><X>a</X><X>b</X></T>',
    expected: [['DISK', [['ID', '0']]], ['DISK', [['ID', '1']]], ['X', 'a'], ['X', 'b']],
  },
  { name: 'lower-case names', xml: '<T><cpu>1</cpu><disk><image_id>3</image_id></disk></T>', expected: [['CPU', '1'], ['DISK', [['IMAGE_ID', '3']]]] },
  { name: 'self-closing element is empty value', xml: '<T><DESCRIPTION/></T>', expected: [['DESCRIPTION', '']] },
  { name: 'empty element is empty value', xml: '<T><DESCRIPTION></DESCRIPTION></T>', expected: [['DESCRIPTION', '']] },
  { name: 'empty sub-attribute', xml: '<T><V><A/><B></B></V></T>', expected: [['V', [['A', ''], ['B', '']]]] },
  {
    name: 'indented document',
    xml: '<TEMPLATE>\n  <CPU>1</CPU>\n  <DISK>\n    <IMAGE_ID>3</IMAGE_ID>\n  </DISK>\n</TEMPLATE>\n',
    expected: [['CPU', '1'], ['DISK', [['IMAGE_ID', '3']]]],
  },
  { name: 'whitespace kept in values', xml: '<T><A>  a b \n</A></T>', expected: [['A', '  a b \n']] },
  { name: 'whitespace-only value kept', xml: '<T><A> </A></T>', expected: [['A', ' ']] },
  { name: 'entities', xml: '<T><A>&lt;b&gt; &amp; &quot;q&quot; &apos;s&apos;</A></T>', expected: [['A', '<b> & "q" \'s\'']] },
  { name: 'character references', xml: '<T><A>&#233;&#x1F600;&#13;&#9;</A></T>', expected: [['A', '\u00e9\u{1F600}\r\t']] },
  { name: 'CDATA section', xml: '<T><A><![CDATA[<b> & "]]></A></T>', expected: [['A', '<b> & "']] },
  { name: 'CDATA mixed with text', xml: '<T><A>a<![CDATA[b]]>c</A></T>', expected: [['A', 'abc']] },
  { name: 'CDATA in sub-attribute', xml: '<T><V><A><![CDATA[x<y]]></A></V></T>', expected: [['V', [['A', 'x<y']]]] },
  { name: 'whitespace CDATA between sub-elements', xml: '<T><V><![CDATA[ ]]><A>1</A></V></T>', expected: [['V', [['A', '1']]]] },
  { name: 'element attributes ignored', xml: '<T version="1"><A type="x">1</A><V k="y"><B z="">2</B></V></T>', expected: [['A', '1'], ['V', [['B', '2']]]] },
  { name: 'XML declaration', xml: '<?xml version="1.0" encoding="UTF-8"?>\n<T><A>1</A></T>', expected: [['A', '1']] },
  { name: 'comments ignored', xml: '<!-- top --><T><!-- a --><A>1<!-- b --></A></T>', expected: [['A', '1']] },
  { name: 'unicode text', xml: '<T><A>caf\u00e9 \u{1F600}</A></T>', expected: [['A', 'caf\u00e9 \u{1F600}']] },
  { name: 'CR kept in text', xml: '<T><A>a\r\nb</A></T>', expected: [['A', 'a\r\nb']] },
  {
    name: 'OpenNebula VM template excerpt',
    xml:
      '<TEMPLATE><CPU>1</CPU><MEMORY>512</MEMORY><DISK><DISK_ID>0</DISK_ID><IMAGE_ID>1</IMAGE_ID>' +
      '<SOURCE>/var/lib/one/datastores/1/ab12</SOURCE><CLONE>YES</CLONE></DISK>' +
      '<NIC><NIC_ID>0</NIC_ID><IP>10.0.0.2</IP></NIC><TM_MAD_SYSTEM>ssh</TM_MAD_SYSTEM></TEMPLATE>',
    expected: [
      ['CPU', '1'],
      ['MEMORY', '512'],
      ['DISK', [['DISK_ID', '0'], ['IMAGE_ID', '1'], ['SOURCE', '/var/lib/one/datastores/1/ab12'], ['CLONE', 'YES']]],
      ['NIC', [['NIC_ID', '0'], ['IP', '10.0.0.2']]],
      ['TM_MAD_SYSTEM', 'ssh'],
    ],
  },
];

t.test('parseXml accepts valid documents', async (t) => {
  for (const testCase of validCases) {
    t.same(Template.parseXml(testCase.xml).toJSON(), testCase.expected, testCase.name);
  }
});

interface ErrorCase {
  name: string;
  xml: string;
  message: string;
}

const errorCases: ErrorCase[] = [
  {
    name: 'nesting below sub-attributes',
    xml: '<TEMPLATE><DISK><A><B>1</B></A></DISK></TEMPLATE>',
    message: 'line 1, column 22: element TEMPLATE/DISK/A/B is nested too deeply: a template contains only attributes and vectors of sub-attributes',
  },
  {
    name: 'text in root',
    xml: '<TEMPLATE>hello<A>1</A></TEMPLATE>',
    message: 'line 1, column 18: text "hello" in <TEMPLATE> is outside any attribute element',
  },
  {
    name: 'text before sub-element',
    xml: '<T><DISK>x<A>1</A></DISK></T>',
    message: 'line 1, column 13: element T/DISK mixes text with child elements: use either a value or sub-attributes',
  },
  {
    name: 'text after sub-element',
    xml: '<T><DISK><A>1</A>x</DISK></T>',
    message: 'line 1, column 25: element T/DISK mixes text with child elements: use either a value or sub-attributes',
  },
  {
    name: 'CDATA after sub-element',
    xml: '<T><DISK><A>1</A><![CDATA[x]]></DISK></T>',
    message: 'line 1, column 30: element T/DISK mixes text with child elements: use either a value or sub-attributes',
  },
  {
    name: 'DOCTYPE declaration',
    xml: '<!DOCTYPE T [<!ENTITY x "y">]><T><A>&x;</A></T>',
    message: 'line 1, column 30: DOCTYPE declarations are not allowed in templates',
  },
  { name: 'unknown entity', xml: '<T><A>&nbsp;</A></T>', message: 'line 1, column 12: invalid XML: Invalid character entity' },
  { name: 'reference to invalid character', xml: '<T><A>&#1;</A></T>', message: 'line 1, column 10: invalid XML: Invalid character entity' },
  {
    name: 'literal control character',
    xml: '<T>\n<A>a\u0001</A></T>',
    message: 'line 2, column 9: value of attribute "A" contains the character U+0001, which XML 1.0 does not allow',
  },
  {
    name: 'control character in sub-attribute',
    xml: '<T><V><B>\u001b</B></V></T>',
    message: 'line 1, column 14: value of attribute "V/B" contains the character U+001B, which XML 1.0 does not allow',
  },
  {
    name: 'CDATA end in CDATA sections',
    xml: '<T><A><![CDATA[]]]]><![CDATA[>]]></A></T>',
    message: 'line 1, column 37: value of attribute "A" contains "]]>", which template values must not contain',
  },
  { name: 'HTML entity', xml: '<T><A>&copy;</A></T>', message: 'line 1, column 12: invalid XML: Invalid character entity' },
  {
    name: 'CDATA end in value',
    xml: '<T><A>]]&gt;</A></T>',
    message: 'line 1, column 16: value of attribute "A" contains "]]>", which template values must not contain',
  },
  { name: 'unclosed root', xml: '<T><A>1</A>', message: 'line 1, column 11: invalid XML: Unclosed root tag' },
  { name: 'mismatched end tag', xml: '<T><A>1</B></T>', message: 'line 1, column 11: invalid XML: Unexpected close tag' },
  { name: 'text after root', xml: '<T/> x', message: 'line 1, column 6: invalid XML: Text data outside of root node' },
  { name: 'second root element', xml: '<T/>\n<U/>', message: 'line 2, column 4: invalid XML: element <U> follows the root element <T>' },
  { name: 'not XML at all', xml: '<<>>', message: 'line 1, column 2: invalid XML: Unencoded <' },
  { name: 'empty document', xml: '', message: 'invalid XML: the document has no root element' },
  { name: 'only whitespace', xml: '  \n ', message: 'invalid XML: the document has no root element' },
  {
    name: 'name with hyphen',
    xml: '<T><MY-ATTR>1</MY-ATTR></T>',
    message: 'line 1, column 12: attribute element name "MY-ATTR" is invalid: use only letters, digits and "_"',
  },
  {
    name: 'namespaced name',
    xml: '<T><V><x:Y>1</x:Y></V></T>',
    message: 'line 1, column 11: sub-attribute element name "x:Y" is invalid: use only letters, digits and "_"',
  },
  {
    name: 'non-ASCII name',
    xml: '<T><\u00c9T\u00c9>1</\u00c9T\u00c9></T>',
    message: 'line 1, column 8: attribute element name "\u00c9T\u00c9" is invalid: use only letters, digits and "_"',
  },
  {
    name: 'duplicate sub-attribute',
    xml: '<T><DISK><TARGET>vda</TARGET><target>vdb</target></DISK></T>',
    message: 'line 1, column 37: duplicate sub-attribute "target" in vector "DISK"',
  },
];

t.test('parseXml rejects invalid documents', async (t) => {
  for (const testCase of errorCases) {
    try {
      Template.parseXml(testCase.xml);
      t.fail(`${testCase.name}: no error`);
    } catch (error) {
      t.type(error, TemplateError, `${testCase.name}: error type`);
      t.equal((error as Error).message, testCase.message, `${testCase.name}: message`);
    }
  }
});

t.test('parseXml error carries line and column', async (t) => {
  const error = t.throws(() => Template.parseXml('<T>\n  <A>1</A>\n  <B>2</C>\n</T>')) as TemplateError;

  t.equal(error.line, 3);
  t.equal(error.column, 10);
});

t.test('parse picks the XML form', async (t) => {
  t.same(Template.parse('<TEMPLATE><CPU>1</CPU></TEMPLATE>').toJSON(), [['CPU', '1']]);
  t.same(Template.parse('\n \t<T><A>x</A></T>').toJSON(), [['A', 'x']]);
  t.same(Template.parse('\uFEFF<T/>').toJSON(), []);
  t.throws(() => Template.parse('  <T>'), TemplateError);
});
