import t from 'tap';
import { EscapedXmlText } from '../../../core/xml/escaped-text.js';
import { I8, serializeMethodResponse, serializeMethodResponseParts, serializeValue, type ResponseValue } from '../../../rpc/xmlrpc/index.js';

const DOCUMENT = new EscapedXmlText(['&lt;POOL&gt;', '&lt;A&gt;1&lt;/A&gt;', '&lt;B&gt;é&lt;/B&gt;', '&lt;/POOL&gt;']);

t.test('parts join to the response', async (t) => {
  const value: ResponseValue = [true, DOCUMENT, 0, { NAME: 'a & b' }, new I8(-1)];

  t.equal(serializeMethodResponseParts(value).join(''), serializeMethodResponse(value));
});

t.test('escaped text parts passed through', async (t) => {
  const parts = serializeMethodResponseParts([true, DOCUMENT, 0]);

  for (const part of DOCUMENT.parts) t.ok(parts.includes(part), `part ${part} kept whole`);
  t.equal(parts.length, DOCUMENT.parts.length + 2, 'one part before and one after the document');
});

t.test('escaped text is one string value', async (t) => {
  t.equal(serializeValue(new EscapedXmlText(['a&lt;', 'b'])), '<value><string>a&lt;b</string></value>');
  t.equal(serializeValue(new EscapedXmlText([])), '<value><string></string></value>', 'no parts');
});
