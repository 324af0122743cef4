import t from 'tap';

import { quoteTextValue, Template, VectorAttribute } from '../../../core/template/index.js';

function sampleTemplate(): Template {
  const template = new Template();
  template.add('CPU', '1');
  template.add('DISK', new VectorAttribute([['IMAGE_ID', '3'], ['TARGET', 'vda']]));
  return template;
}

t.test('toXml renders the documented form', async (t) => {
  t.equal(
    sampleTemplate().toXml(),
    '<TEMPLATE><CPU>1</CPU><DISK><IMAGE_ID>3</IMAGE_ID><TARGET>vda</TARGET></DISK></TEMPLATE>',
  );
});

t.test('toXml of empty template', async (t) => {
  t.equal(new Template().toXml(), '<TEMPLATE/>');
  t.equal(new Template().toXml('USER_TEMPLATE'), '<USER_TEMPLATE/>');
});

t.test('toXml with another root', async (t) => {
  t.equal(sampleTemplate().toXml('USER_TEMPLATE').slice(0, 20), '<USER_TEMPLATE><CPU>');
  t.match(sampleTemplate().toXml('USER_TEMPLATE'), /<\/USER_TEMPLATE>$/);
});

t.test('toXml rejects invalid root names', async (t) => {
  t.throws(() => sampleTemplate().toXml('BAD NAME'), { name: 'TemplateError', message: 'root element name "BAD NAME" is invalid: use only letters, digits and "_"' });
  t.throws(() => sampleTemplate().toXml('1ROOT'), { name: 'TemplateError' });
  t.throws(() => sampleTemplate().toXml(''), { name: 'TemplateError' });
});

t.test('toXml escapes text', async (t) => {
  const template = new Template([{ name: 'X', value: `<a href="x">&'` }]);
  t.equal(template.toXml(), `<TEMPLATE><X>&lt;a href="x"&gt;&amp;'</X></TEMPLATE>`);
});

t.test('toXml writes carriage returns as references', async (t) => {
  const template = new Template([{ name: 'X', value: 'a\r\nb\rc' }]);
  t.equal(template.toXml(), '<TEMPLATE><X>a&#13;\nb&#13;c</X></TEMPLATE>');
});

t.test('toXml of empty values and vectors', async (t) => {
  const template = new Template([
    { name: 'A', value: '' },
    { name: 'V', value: new VectorAttribute() },
    { name: 'W', value: new VectorAttribute([['K', '']]) },
  ]);
  t.equal(template.toXml(), '<TEMPLATE><A></A><V/><W><K></K></W></TEMPLATE>');
});

t.test('toXml keeps attribute order and repeats', async (t) => {
  const template = Template.parseText('B = 2\nA = 1\nB = 3');
  t.equal(template.toXml(), '<TEMPLATE><B>2</B><A>1</A><B>3</B></TEMPLATE>');
});

t.test('toText renders every value quoted', async (t) => {
  t.equal(sampleTemplate().toText(), 'CPU="1"\nDISK=[\n  IMAGE_ID="3",\n  TARGET="vda" ]\n');
});

t.test('toText of empty template, value and vector', async (t) => {
  t.equal(new Template().toText(), '');
  t.equal(new Template([{ name: 'A', value: '' }]).toText(), 'A=""\n');
  t.equal(new Template([{ name: 'V', value: new VectorAttribute() }]).toText(), 'V=[ ]\n');
});

t.test('toText keeps line breaks inside quotes', async (t) => {
  const template = new Template([{ name: 'SCRIPT', value: '#!/bin/sh\necho "hi"\n' }]);
  t.equal(template.toText(), 'SCRIPT="#!/bin/sh\necho \\"hi\\"\n"\n');
});

const quoteCases: Array<[string, string, string]> = [
  ['plain text', 'abc', '"abc"'],
  ['empty', '', '""'],
  ['quote', 'a"b', '"a\\"b"'],
  ['only quotes', '""', '"\\"\\""'],
  ['lone backslash kept', 'C:\\dir', '"C:\\dir"'],
  ['trailing backslash doubled', 'a\\', '"a\\\\"'],
  ['backslash before quote doubled', 'a\\"', '"a\\\\\\""'],
  ['backslash before backslash doubled', 'a\\\\b', '"a\\\\\\b"'],
  ['only a backslash', '\\', '"\\\\"'],
  ['special characters untouched', '#[],= \t\n', '"#[],= \t\n"'],
];

t.test('quoteTextValue escapes only where needed', async (t) => {
  for (const [name, value, expected] of quoteCases) {
    t.equal(quoteTextValue(value), expected, name);
  }
});

/** Deterministic pseudo-random numbers (mulberry32), so a failing case can be replayed. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

const VALUE_CHARACTERS = [
  ...'aZ09 _-./:',
  '"', '\\', '\\', '\n', '\r', '\t', '#', '[', ']', ',', '=', '<', '>', '&', "'", ';',
  '\u00e9', '\u4e2d', '\u{1F600}', '\uFFFD', '\u00a0', '\u2028',
];
const NAME_START = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_';
const NAME_REST = NAME_START + '0123456789';

function randomValue(random: () => number): string {
  const length = Math.floor(random() * 24);
  let value = '';
  for (let index = 0; index < length; index++) {
    value += VALUE_CHARACTERS[Math.floor(random() * VALUE_CHARACTERS.length)];
  }

  return value.replaceAll(']]>', ']] >');
}

function randomName(random: () => number): string {
  let name = NAME_START[Math.floor(random() * NAME_START.length)];
  const extra = Math.floor(random() * 8);
  for (let index = 0; index < extra; index++) {
    name += NAME_REST[Math.floor(random() * NAME_REST.length)];
  }

  return name;
}

function randomTemplate(random: () => number): Template {
  const template = new Template();
  const count = Math.floor(random() * 8);

  for (let index = 0; index < count; index++) {
    const name = random() < 0.3 ? 'DISK' : randomName(random);
    if (random() < 0.35) {
      const vector = new VectorAttribute();
      const size = Math.floor(random() * 5);
      for (let sub = 0; sub < size; sub++) {
        vector.set(randomName(random), randomValue(random));
      }
      template.add(name, vector);
    } else {
      template.add(name, randomValue(random));
    }
  }

  return template;
}

/** Returns the JSON form with each empty vector as "", which is how its XML form reads back. */
function withEmptyVectorsAsValues(template: Template): unknown {
  return template.toJSON().map(([name, value]) => [name, Array.isArray(value) && value.length === 0 ? '' : value]);
}

t.test('text round trip over generated templates', async (t) => {
  const random = createRandom(20240611);
  let failures = 0;

  for (let round = 0; round < 2000 && failures < 5; round++) {
    const template = randomTemplate(random);
    const text = template.toText();
    const parsed = Template.parseText(text);

    if (JSON.stringify(parsed.toJSON()) !== JSON.stringify(template.toJSON())) {
      failures++;
      t.fail(`round ${round}: ${JSON.stringify(text)}`);
    }
  }

  t.equal(failures, 0, 'every generated template reads back unchanged');
});

t.test('text round trip of single hard values', async (t) => {
  const values = ['', '"', '\\', '\\"', '"\\', '\\\\', 'a\\', '\\n', ' ', '\n', '\r\n', '# x', '[ ]', 'a,b=c', '\\\\"\\', 'x\n"\n\\'];

  for (const value of values) {
    const template = new Template([{ name: 'X', value }, { name: 'V', value: new VectorAttribute([['K', value]]) }]);
    const parsed = Template.parseText(template.toText());

    t.equal(parsed.get('X'), value, `value ${JSON.stringify(value)}`);
    t.equal(parsed.getVector('V')?.get('K'), value, `sub-value ${JSON.stringify(value)}`);
  }
});

t.test('XML round trip over generated templates', async (t) => {
  const random = createRandom(7);
  let failures = 0;

  for (let round = 0; round < 1000 && failures < 5; round++) {
    const template = randomTemplate(random);
    const xml = template.toXml();
    const parsed = Template.parse(xml);

    if (JSON.stringify(parsed.toJSON()) !== JSON.stringify(withEmptyVectorsAsValues(template))) {
      failures++;
      t.fail(`round ${round}: ${JSON.stringify(xml)}`);
    }
  }

  t.equal(failures, 0, 'every generated template reads back unchanged');
});

t.test('JSON round trip over generated templates', async (t) => {
  const random = createRandom(99);
  let failures = 0;

  for (let round = 0; round < 1000 && failures < 5; round++) {
    const template = randomTemplate(random);
    const stored = JSON.stringify(template);
    const restored = Template.fromJSON(JSON.parse(stored));

    if (JSON.stringify(restored) !== stored) {
      failures++;
      t.fail(`round ${round}: ${stored}`);
    }
  }

  t.equal(failures, 0, 'every generated template reads back unchanged');
});

t.test('toJSON compact form', async (t) => {
  t.same(sampleTemplate().toJSON(), [['CPU', '1'], ['DISK', [['IMAGE_ID', '3'], ['TARGET', 'vda']]]]);
  t.equal(JSON.stringify(sampleTemplate()), '[["CPU","1"],["DISK",[["IMAGE_ID","3"],["TARGET","vda"]]]]');
  t.same(new Template().toJSON(), []);
});


t.test('parseText reads about 600 kB of input', async (t) => {
  const value = '\\"\\\\ a\\b #[,]= \n'.repeat(20000);
  const text = `X = ${quoteTextValue(value)}\n` + '# comment line\n'.repeat(20000) + 'V = [ A = 1,\n'.repeat(1) + ' B = 2 ]\n';
  const template = Template.parseText(text);

  t.equal(template.get('X'), value);
  t.equal(template.getVector('V')?.get('B'), '2');
});
