import t from 'tap';

import { Template, TemplateError } from '../../../core/template/index.js';

interface ValidCase {
  name: string;
  text: string;
  expected: unknown;
}

const validCases: ValidCase[] = [
  { name: 'empty text', text: '', expected: [] },
  { name: 'only blanks and comments', text: '  \n# comment\n\t# another\n\n', expected: [] },
  { name: 'single attribute', text: 'CPU = 1', expected: [['CPU', '1']] },
  { name: 'no blanks around equals', text: 'CPU=1', expected: [['CPU', '1']] },
  { name: 'tabs around equals', text: 'CPU\t=\t1\t', expected: [['CPU', '1']] },
  { name: 'lower-case name', text: 'memory = 512', expected: [['MEMORY', '512']] },
  { name: 'mixed-case name with digits', text: 'Vcpu_2 = 4', expected: [['VCPU_2', '4']] },
  { name: 'several lines', text: 'CPU = 1\nMEMORY = 512\n', expected: [['CPU', '1'], ['MEMORY', '512']] },
  { name: 'CRLF line ends', text: 'CPU = 1\r\nMEMORY = 512\r\n', expected: [['CPU', '1'], ['MEMORY', '512']] },
  { name: 'leading byte order mark', text: '\uFEFFCPU = 1', expected: [['CPU', '1']] },
  {
    name: 'unquoted value with punctuation',
    text: 'SOURCE = /var/lib/one/ds/1:ab.c?x&y;"z"',
    expected: [['SOURCE', '/var/lib/one/ds/1:ab.c?x&y;"z"']],
  },
  { name: 'unquoted unicode value', text: 'NAME = caf\u00e9-\u{1F600}', expected: [['NAME', 'caf\u00e9-\u{1F600}']] },
  { name: 'quoted value with blanks', text: 'NAME = "my vm 1"', expected: [['NAME', 'my vm 1']] },
  { name: 'quoted empty value', text: 'NAME = ""', expected: [['NAME', '']] },
  {
    name: 'quoted special characters',
    text: 'X = "a = b, [c] # d"',
    expected: [['X', 'a = b, [c] # d']],
  },
  { name: 'escaped quote', text: 'X = "say \\"hi\\""', expected: [['X', 'say "hi"']] },
  { name: 'escaped backslash', text: 'X = "a\\\\b"', expected: [['X', 'a\\b']] },
  { name: 'escaped backslash before quote', text: 'X = "a\\\\"', expected: [['X', 'a\\']] },
  { name: 'backslash kept literally', text: 'X = "C:\\dir\\n"', expected: [['X', 'C:\\dir\\n']] },
  { name: 'backslash in unquoted value', text: 'X = a\\b', expected: [['X', 'a\\b']] },
  { name: 'escaped quote then backslash', text: 'X = "\\"\\\\\\""', expected: [['X', '"\\"']] },
  {
    name: 'multi-line quoted value',
    text: 'CONTEXT_SCRIPT = "line 1\n  line 2\n\nline 4"\nCPU = 1',
    expected: [['CONTEXT_SCRIPT', 'line 1\n  line 2\n\nline 4'], ['CPU', '1']],
  },
  { name: 'quoted value keeps CR and tab', text: 'X = "a\r\n\tb"', expected: [['X', 'a\r\n\tb']] },
  { name: 'empty value at line end', text: 'DESCRIPTION =\nCPU = 1', expected: [['DESCRIPTION', ''], ['CPU', '1']] },
  { name: 'empty value with trailing blanks', text: 'DESCRIPTION =  \t\nCPU = 1', expected: [['DESCRIPTION', ''], ['CPU', '1']] },
  { name: 'empty value at end of input', text: 'DESCRIPTION =', expected: [['DESCRIPTION', '']] },
  { name: 'trailing comment', text: 'CPU = 1 # one core\nMEMORY = 2', expected: [['CPU', '1'], ['MEMORY', '2']] },
  { name: 'comment right after value', text: 'CPU = 1#one', expected: [['CPU', '1']] },
  { name: 'comment after quoted value', text: 'X = "a # b" # c', expected: [['X', 'a # b']] },
  { name: 'comment at end without newline', text: 'CPU = 1\n# end', expected: [['CPU', '1']] },
  { name: 'indented comment', text: '   # note\nCPU = 1', expected: [['CPU', '1']] },
  { name: 'two attributes on one line', text: 'CPU = 1 MEMORY = 512', expected: [['CPU', '1'], ['MEMORY', '512']] },
  { name: 'attribute right after quoted value', text: 'A = "x"B = 2', expected: [['A', 'x'], ['B', '2']] },
  {
    name: 'repeated attributes accumulate',
    text: 'DISK = [ IMAGE_ID = 1 ]\nDISK = [ IMAGE_ID = 2 ]\nCPU = 1\nCPU = 2',
    expected: [['DISK', [['IMAGE_ID', '1']]], ['DISK', [['IMAGE_ID', '2']]], ['CPU', '1'], ['CPU', '2']],
  },
  {
    name: 'vector on one line',
    text: 'DISK = [ IMAGE_ID = 3, TARGET = "v d a" ]',
    expected: [['DISK', [['IMAGE_ID', '3'], ['TARGET', 'v d a']]]],
  },
  {
    name: 'vector without blanks',
    text: 'DISK=[IMAGE_ID=3,TARGET=vda]',
    expected: [['DISK', [['IMAGE_ID', '3'], ['TARGET', 'vda']]]],
  },
  {
    name: 'vector across lines',
    text: 'NIC = [\n  NETWORK = "private",\n  MODEL = virtio\n]\nCPU = 1',
    expected: [['NIC', [['NETWORK', 'private'], ['MODEL', 'virtio']]], ['CPU', '1']],
  },
  {
    name: 'vector with commas leading lines',
    text: 'NIC = [ NETWORK = a\n , MODEL = b\n ]',
    expected: [['NIC', [['NETWORK', 'a'], ['MODEL', 'b']]]],
  },
  {
    name: 'vector with comments inside',
    text: 'DISK = [ # first disk\n  IMAGE_ID = 3, # the image\n  # target next\n  TARGET = vda ]',
    expected: [['DISK', [['IMAGE_ID', '3'], ['TARGET', 'vda']]]],
  },
  { name: 'lower-case sub-attribute names', text: 'disk = [ image_id = 3 ]', expected: [['DISK', [['IMAGE_ID', '3']]]] },
  { name: 'empty vector', text: 'DISK = [ ]', expected: [['DISK', []]] },
  { name: 'empty vector without blanks', text: 'DISK=[]', expected: [['DISK', []]] },
  { name: 'empty vector across lines', text: 'DISK = [\n\n]', expected: [['DISK', []]] },
  {
    name: 'empty sub-attribute values',
    text: 'DISK = [ A =, B = , C =\n, D = ]',
    expected: [['DISK', [['A', ''], ['B', ''], ['C', ''], ['D', '']]]],
  },
  {
    name: 'multi-line quoted sub-value',
    text: 'CONTEXT = [ SCRIPT = "a\nb", X = 1 ]',
    expected: [['CONTEXT', [['SCRIPT', 'a\nb'], ['X', '1']]]],
  },
  {
    name: 'escapes inside a vector',
    text: 'V = [ A = "q\\"uote", B = "back\\\\slash" ]',
    expected: [['V', [['A', 'q"uote'], ['B', 'back\\slash']]]],
  },
  { name: 'vector followed by attribute on the same line', text: 'V = [ A = 1 ] CPU = 2', expected: [['V', [['A', '1']]], ['CPU', '2']] },
  { name: 'name that is only underscores', text: '__ = x', expected: [['__', 'x']] },
  { name: 'quoted "]]" without ">"', text: 'X = "a]]b"', expected: [['X', 'a]]b']] },
  { name: 'escaped "]]\\>" is not "]]>"', text: 'X = "]]\\>"', expected: [['X', ']]\\>']] },
];

t.test('parseText accepts valid templates', async (t) => {
  for (const testCase of validCases) {
    const template = Template.parseText(testCase.text);
    t.same(template.toJSON(), testCase.expected, testCase.name);
  }
});

interface ErrorCase {
  name: string;
  text: string;
  message: string;
  line: number;
  column: number;
}

const errorCases: ErrorCase[] = [
  {
    name: 'missing equals',
    text: 'CPU = 1\n\nMEMORY 5',
    message: 'line 3, column 8: expected "=" after attribute name "MEMORY", found "5"',
    line: 3,
    column: 8,
  },
  {
    name: 'missing equals at line end',
    text: 'CPU\nMEMORY = 1',
    message: 'line 1, column 4: expected "=" after attribute name "CPU", found end of line',
    line: 1,
    column: 4,
  },
  {
    name: 'missing equals at end of input',
    text: 'CPU',
    message: 'line 1, column 4: expected "=" after attribute name "CPU", found end of input',
    line: 1,
    column: 4,
  },
  {
    name: 'invalid character in name',
    text: 'CPU-X = 1',
    message: 'line 1, column 4: expected "=" after attribute name "CPU", found "-"',
    line: 1,
    column: 4,
  },
  {
    name: 'unquoted value with blank',
    text: 'NAME = my vm',
    message: 'line 1, column 13: expected "=" after attribute name "vm", found end of input (quote values that contain blanks)',
    line: 1,
    column: 13,
  },
  {
    name: 'line starting with equals',
    text: '= 1',
    message: 'line 1, column 1: expected an attribute name, found "="',
    line: 1,
    column: 1,
  },
  {
    name: 'line starting with quote',
    text: 'CPU = 1\n  "x" = 1',
    message: 'line 2, column 3: expected an attribute name, found "\\""',
    line: 2,
    column: 3,
  },
  {
    name: 'non-ASCII name',
    text: '\u00c9T\u00c9 = 1',
    message: 'line 1, column 1: expected an attribute name, found "\u00c9"',
    line: 1,
    column: 1,
  },
  {
    name: 'name starting with digit',
    text: 'CPU = 1\n1CPU = 2',
    message: 'line 2, column 1: attribute name "1CPU" starts with a digit, which XML element names do not allow',
    line: 2,
    column: 1,
  },
  {
    name: 'comma between attributes',
    text: 'CPU = 1, MEMORY = 2',
    message: 'line 1, column 8: expected end of line after the value of attribute "CPU", found ","',
    line: 1,
    column: 8,
  },
  {
    name: 'bracket after value',
    text: 'CPU = 1]',
    message: 'line 1, column 8: expected end of line after the value of attribute "CPU", found "]"',
    line: 1,
    column: 8,
  },
  {
    name: 'equals inside unquoted value',
    text: 'X = a=b',
    message: 'line 1, column 6: expected end of line after the value of attribute "X", found "="',
    line: 1,
    column: 6,
  },
  {
    name: 'value starting with comma',
    text: 'X = ,',
    message: 'line 1, column 5: expected a value for attribute "X", found ","',
    line: 1,
    column: 5,
  },
  {
    name: 'value starting with comment',
    text: 'X = # nothing',
    message: 'line 1, column 5: expected a value for attribute "X", found "#"',
    line: 1,
    column: 5,
  },
  {
    name: 'unterminated quote',
    text: 'CPU = 1\nDESCRIPTION = "first\nsecond\n',
    message: 'line 2, column 15: the quoted value of attribute "DESCRIPTION" that starts here has no closing quote',
    line: 2,
    column: 15,
  },
  {
    name: 'quote closed only by an escape',
    text: 'X = "abc\\"',
    message: 'line 1, column 5: the quoted value of attribute "X" that starts here has no closing quote',
    line: 1,
    column: 5,
  },
  {
    name: 'unterminated vector',
    text: 'CPU = 1\n\nDISK = [\n  IMAGE_ID = 3,\n  TARGET = vda\n',
    message: 'line 3, column 1: the vector attribute "DISK" that starts here has no closing "]"',
    line: 3,
    column: 1,
  },
  {
    name: 'unterminated empty vector',
    text: 'DISK = [',
    message: 'line 1, column 1: the vector attribute "DISK" that starts here has no closing "]"',
    line: 1,
    column: 1,
  },
  {
    name: 'unterminated vector after comma',
    text: 'DISK = [ A = 1,',
    message: 'line 1, column 1: the vector attribute "DISK" that starts here has no closing "]"',
    line: 1,
    column: 1,
  },
  {
    name: 'unterminated quote inside vector',
    text: 'DISK = [ A = "x ]',
    message: 'line 1, column 14: the quoted value of attribute "DISK/A" that starts here has no closing quote',
    line: 1,
    column: 14,
  },
  {
    name: 'missing comma in vector',
    text: 'DISK = [ A = 1\n  B = 2 ]',
    message: 'line 2, column 3: expected "," or "]" after the value of "DISK/A", found "B"',
    line: 2,
    column: 3,
  },
  {
    name: 'trailing comma in vector',
    text: 'DISK = [ A = 1, ]',
    message: 'line 1, column 17: expected a sub-attribute name in vector "DISK", found "]"',
    line: 1,
    column: 17,
  },
  {
    name: 'missing equals in vector',
    text: 'DISK = [ A 1 ]',
    message: 'line 1, column 12: expected "=" after sub-attribute name "A" in vector "DISK", found "1"',
    line: 1,
    column: 12,
  },
  {
    name: 'line break before sub-attribute equals',
    text: 'DISK = [ A\n = 1 ]',
    message: 'line 1, column 11: expected "=" after sub-attribute name "A" in vector "DISK", found end of line',
    line: 1,
    column: 11,
  },
  {
    name: 'nested vector',
    text: 'DISK = [ A = [ B = 1 ] ]',
    message: 'line 1, column 14: expected a value for attribute "DISK/A", found "["',
    line: 1,
    column: 14,
  },
  {
    name: 'duplicate sub-attribute',
    text: 'DISK = [ TARGET = vda,\n  target = vdb ]',
    message: 'line 2, column 3: duplicate sub-attribute "target" in vector "DISK"',
    line: 2,
    column: 3,
  },
  {
    name: 'sub-attribute name starting with digit',
    text: 'DISK = [ 2A = 1 ]',
    message: 'line 1, column 10: sub-attribute name "2A" starts with a digit, which XML element names do not allow',
    line: 1,
    column: 10,
  },
  {
    name: 'CDATA end in quoted value',
    text: 'X = "a]]>b"',
    message: 'line 1, column 5: value of attribute "X" contains "]]>", which template values must not contain',
    line: 1,
    column: 5,
  },
  {
    name: 'CDATA end in multi-line value',
    text: 'X = "a\n]]>"',
    message: 'line 1, column 5: value of attribute "X" contains "]]>", which template values must not contain',
    line: 1,
    column: 5,
  },
  {
    name: 'CDATA end in sub-value',
    text: 'V = [ A = "]]>" ]',
    message: 'line 1, column 11: value of attribute "V/A" contains "]]>", which template values must not contain',
    line: 1,
    column: 11,
  },
  {
    name: 'control character in unquoted value',
    text: 'X = a\u0001b',
    message: 'line 1, column 5: value of attribute "X" contains the character U+0001, which XML 1.0 does not allow',
    line: 1,
    column: 5,
  },
  {
    name: 'control character in quoted value',
    text: 'CPU = 1\nDESCRIPTION = "bell \u0007"',
    message: 'line 2, column 15: value of attribute "DESCRIPTION" contains the character U+0007, which XML 1.0 does not allow',
    line: 2,
    column: 15,
  },
  {
    name: 'NUL character in sub-value',
    text: 'V = [ A = "\u0000" ]',
    message: 'line 1, column 11: value of attribute "V/A" contains the character U+0000, which XML 1.0 does not allow',
    line: 1,
    column: 11,
  },
  {
    name: 'lone surrogate in value',
    text: 'X = "\uD800x"',
    message: 'line 1, column 5: value of attribute "X" contains the character U+D800, which XML 1.0 does not allow',
    line: 1,
    column: 5,
  },
  {
    name: 'U+FFFE in value',
    text: 'X = "\uFFFE"',
    message: 'line 1, column 5: value of attribute "X" contains the character U+FFFE, which XML 1.0 does not allow',
    line: 1,
    column: 5,
  },
  {
    name: 'control character as name',
    text: '\u0001 = 1',
    message: 'line 1, column 1: expected an attribute name, found "\\u0001"',
    line: 1,
    column: 1,
  },
  {
    name: 'column counts code points',
    text: 'X = "\u{1F600}" \u{1F600}',
    message: 'line 1, column 9: expected end of line after the value of attribute "X", found "\u{1F600}"',
    line: 1,
    column: 9,
  },
  {
    name: 'line count after multi-line value',
    text: 'A = "1\n2\n3"\nB 4',
    message: 'line 4, column 3: expected "=" after attribute name "B", found "4"',
    line: 4,
    column: 3,
  },
];

t.test('parseText rejects invalid templates', async (t) => {
  for (const testCase of errorCases) {
    try {
      Template.parseText(testCase.text);
      t.fail(`${testCase.name}: no error`);
    } catch (error) {
      t.type(error, TemplateError, `${testCase.name}: error type`);
      const templateError = error as TemplateError;
      t.equal(templateError.message, testCase.message, `${testCase.name}: message`);
      t.equal(templateError.line, testCase.line, `${testCase.name}: line`);
      t.equal(templateError.column, testCase.column, `${testCase.name}: column`);
    }
  }
});

t.test('parse picks the text form', async (t) => {
  t.same(Template.parse('CPU = 1').toJSON(), [['CPU', '1']]);
  t.same(Template.parse('\n  X = "<a>"').toJSON(), [['X', '<a>']]);
  t.same(Template.parse('').toJSON(), []);
  t.same(Template.parse(' \n\t').toJSON(), []);
});

t.test('parseText on a large vector', async (t) => {
  const subAttributes = Array.from({ length: 500 }, (_, index) => `K${index} = "v${index}"`);
  const template = Template.parseText(`BIG = [\n${subAttributes.join(',\n')}\n]`);

  t.equal(template.getVector('BIG')?.size, 500);
  t.equal(template.getVector('BIG')?.get('K499'), 'v499');
});
