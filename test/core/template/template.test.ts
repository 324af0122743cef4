import t from 'tap';

import { Template, TemplateError, VectorAttribute } from '../../../core/template/index.js';

t.test('VectorAttribute keeps order and upper-cases names', async (t) => {
  const vector = new VectorAttribute([['image_id', '3'], ['Target', 'vda']]);

  t.same(vector.entries(), [['IMAGE_ID', '3'], ['TARGET', 'vda']]);
  t.equal(vector.size, 2);
  t.equal(vector.get('image_id'), '3');
  t.equal(vector.get('TARGET'), 'vda');
  t.equal(vector.get('MISSING'), undefined);
  t.equal(vector.get('bad name'), undefined);
});

t.test('VectorAttribute set replaces in place', async (t) => {
  const vector = new VectorAttribute([['A', '1'], ['B', '2'], ['C', '3']]);

  vector.set('b', 'two');
  vector.set('D', '4');

  t.same(vector.entries(), [['A', '1'], ['B', 'two'], ['C', '3'], ['D', '4']]);
});

t.test('VectorAttribute constructor with repeated name', async (t) => {
  const vector = new VectorAttribute([['A', '1'], ['B', '2'], ['a', '3']]);
  t.same(vector.entries(), [['A', '3'], ['B', '2']]);
});

t.test('VectorAttribute remove', async (t) => {
  const vector = new VectorAttribute([['A', '1'], ['B', '2']]);

  t.equal(vector.remove('a'), true);
  t.equal(vector.remove('A'), false);
  t.equal(vector.remove('not valid'), false);
  t.same(vector.entries(), [['B', '2']]);
  t.equal(vector.size, 1);
});

t.test('VectorAttribute entries is a copy', async (t) => {
  const vector = new VectorAttribute([['A', '1']]);
  vector.entries().push(['B', '2']);
  t.equal(vector.size, 1);
});

t.test('VectorAttribute clone is independent', async (t) => {
  const vector = new VectorAttribute([['A', '1']]);
  const copy = vector.clone();

  copy.set('A', 'changed');

  t.equal(vector.get('A'), '1');
  t.equal(copy.get('A'), 'changed');
});

t.test('VectorAttribute rejects invalid names and values', async (t) => {
  const vector = new VectorAttribute();

  t.throws(() => vector.set('A-B', '1'), new TemplateError('sub-attribute name "A-B" is invalid: use only letters, digits and "_"'));
  t.throws(() => vector.set('', '1'), { name: 'TemplateError' });
  t.throws(() => vector.set('9A', '1'), new TemplateError('sub-attribute name "9A" starts with a digit, which XML element names do not allow'));
  t.throws(() => vector.set('A', 'x\u0000'), new TemplateError('value of attribute "A" contains the character U+0000, which XML 1.0 does not allow'));
  t.throws(() => vector.set('A', ']]>'), new TemplateError('value of attribute "A" contains "]]>", which template values must not contain'));
  t.throws(() => vector.set('A', 5 as unknown as string), new TemplateError('value of attribute "A" must be a string, found number'));
  t.equal(vector.size, 0);
});

t.test('Template get returns first single value', async (t) => {
  const template = Template.parseText('X = [ A = 1 ]\nX = first\nX = second\nCPU = 2');

  t.equal(template.get('x'), 'first');
  t.equal(template.get('CPU'), '2');
  t.equal(template.get('MISSING'), undefined);
  t.equal(template.get('not a name'), undefined);
});

t.test('Template get skips vectors', async (t) => {
  const template = Template.parseText('DISK = [ A = 1 ]');
  t.equal(template.get('DISK'), undefined);
});

t.test('Template getVector and getVectors', async (t) => {
  const template = Template.parseText('DISK = [ ID = 0 ]\nDISK = plain\nDISK = [ ID = 1 ]');

  t.equal(template.getVector('disk')?.get('ID'), '0');
  t.same(template.getVectors('DISK').map((vector) => vector.get('ID')), ['0', '1']);
  t.equal(template.getVector('CPU'), undefined);
  t.same(template.getVectors('CPU'), []);
});

t.test('Template getVector returns the live vector', async (t) => {
  const template = Template.parseText('DISK = [ TARGET = vda ]');

  template.getVector('DISK')?.set('TARGET', 'vdb');

  t.equal(template.getVector('DISK')?.get('TARGET'), 'vdb');
});

t.test('Template getAll and has', async (t) => {
  const template = Template.parseText('A = 1\nB = [ K = v ]\nA = 2');
  const all = template.getAll('a');

  t.equal(all.length, 2);
  t.same(all, ['1', '2']);
  t.ok(template.has('b'));
  t.ok(template.has('A'));
  t.notOk(template.has('C'));
  t.same(template.getAll('C'), []);
});

t.test('Template set replaces all at first position', async (t) => {
  const template = Template.parseText('A = 1\nB = 1\nA = 2\nC = 1\nA = 3');

  template.set('a', 'new');

  t.same(template.toJSON(), [['A', 'new'], ['B', '1'], ['C', '1']]);
});

t.test('Template set appends a new name', async (t) => {
  const template = Template.parseText('A = 1');

  template.set('B', new VectorAttribute([['K', 'v']]));

  t.same(template.toJSON(), [['A', '1'], ['B', [['K', 'v']]]]);
});

t.test('Template set can change a vector to a value', async (t) => {
  const template = Template.parseText('DISK = [ ID = 0 ]\nDISK = [ ID = 1 ]');

  template.set('DISK', 'none');

  t.same(template.toJSON(), [['DISK', 'none']]);
});

t.test('Template add appends repeats', async (t) => {
  const template = new Template();

  template.add('disk', new VectorAttribute([['ID', '0']]));
  template.add('DISK', new VectorAttribute([['ID', '1']]));
  template.add('cpu', '1');

  t.same(template.toJSON(), [['DISK', [['ID', '0']]], ['DISK', [['ID', '1']]], ['CPU', '1']]);
});

t.test('Template remove counts removed attributes', async (t) => {
  const template = Template.parseText('A = 1\nB = 2\nA = [ K = v ]');

  t.equal(template.remove('a'), 2);
  t.equal(template.remove('A'), 0);
  t.equal(template.remove('bad-name'), 0);
  t.same(template.toJSON(), [['B', '2']]);
});

t.test('Template constructor and isEmpty', async (t) => {
  t.ok(new Template().isEmpty);
  t.ok(new Template([]).isEmpty);

  const template = new Template([
    { name: 'cpu', value: '1' },
    { name: 'disk', value: new VectorAttribute([['id', '0']]) },
  ]);

  t.notOk(template.isEmpty);
  t.same(template.toJSON(), [['CPU', '1'], ['DISK', [['ID', '0']]]]);
});

t.test('Template rejects invalid names and values', async (t) => {
  const template = new Template();

  t.throws(() => template.add('MY ATTR', '1'), new TemplateError('attribute name "MY ATTR" is invalid: use only letters, digits and "_"'));
  t.throws(() => template.set('', '1'), new TemplateError('attribute name "" is invalid: use only letters, digits and "_"'));
  t.throws(() => template.add('1A', '1'), new TemplateError('attribute name "1A" starts with a digit, which XML element names do not allow'));
  t.throws(() => template.add('X', 'bell\u0007'), new TemplateError('value of attribute "X" contains the character U+0007, which XML 1.0 does not allow'));
  t.throws(() => template.set('X', 'a]]>b'), new TemplateError('value of attribute "X" contains "]]>", which template values must not contain'));
  t.throws(() => template.add('X', '\uDC00'), { name: 'TemplateError' });
  t.throws(() => template.add('X', '\uFFFF'), { name: 'TemplateError' });
  t.throws(() => template.add('X', null as unknown as string), new TemplateError('value of attribute "X" must be a string, found object'));
  t.throws(() => new Template([{ name: 'OK', value: '1' }, { name: 'BAD!', value: '2' }]), { name: 'TemplateError' });
  t.ok(template.isEmpty);
});

t.test('Template accepts every XML 1.0 character class', async (t) => {
  const value = '\t\n\r \u007f\u0085\ud7ff\ue000\ufffd\u{10000}\u{10FFFF}';
  const template = new Template([{ name: 'X', value }]);

  t.equal(template.get('X'), value);
  t.equal(Template.parseText(template.toText()).get('X'), value);
  t.equal(Template.parseXml(template.toXml()).get('X'), value);
});

t.test('Template attributes returns a copy', async (t) => {
  const template = Template.parseText('A = 1');
  const attributes = template.attributes() as unknown as Array<unknown>;

  attributes.push({ name: 'B', value: '2' });

  t.equal(template.attributes().length, 1);
  t.same(template.attributes(), [{ name: 'A', value: '1' }]);
  t.ok(Object.isFrozen(template.attributes()[0]));
});

t.test('Template merge replaces names of the other', async (t) => {
  const base = Template.parseText('CPU = 1\nMEMORY = 512\nDISK = [ ID = 0 ]\nNAME = a\nDISK = [ ID = 1 ]');
  const extra = Template.parseText('memory = 4096\nDISK = [ ID = 9 ]\nVCPU = 4\nDISK = [ ID = 8 ]');

  base.merge(extra);

  t.same(base.toJSON(), [
    ['CPU', '1'],
    ['MEMORY', '4096'],
    ['DISK', [['ID', '9']]],
    ['DISK', [['ID', '8']]],
    ['NAME', 'a'],
    ['VCPU', '4'],
  ]);
});

t.test('Template merge with OpenNebula instantiate example', async (t) => {
  const base = Template.parseText('NAME = vm\nCPU = 1\nMEMORY = 512');

  base.merge(Template.parseText('MEMORY=4096\nCPU=4'));

  t.same(base.toJSON(), [['NAME', 'vm'], ['CPU', '4'], ['MEMORY', '4096']]);
});

t.test('Template merge of empty template changes nothing', async (t) => {
  const base = Template.parseText('A = 1\nB = [ K = v ]');

  base.merge(new Template());

  t.same(base.toJSON(), [['A', '1'], ['B', [['K', 'v']]]]);
});

t.test('Template merge into empty template', async (t) => {
  const base = new Template();

  base.merge(Template.parseText('A = 1\nB = 2\nA = 3'));

  t.same(base.toJSON(), [['A', '1'], ['A', '3'], ['B', '2']]);
});

t.test('Template merge copies vectors', async (t) => {
  const base = new Template();
  const other = Template.parseText('DISK = [ ID = 0 ]');

  base.merge(other);
  other.getVector('DISK')?.set('ID', '5');

  t.equal(base.getVector('DISK')?.get('ID'), '0');
});

t.test('Template merge can replace a vector by a value', async (t) => {
  const base = Template.parseText('CONTEXT = [ NETWORK = YES ]\nCPU = 1');

  base.merge(Template.parseText('CONTEXT = ""'));

  t.same(base.toJSON(), [['CONTEXT', ''], ['CPU', '1']]);
});

t.test('Template clone is deep', async (t) => {
  const original = Template.parseText('A = 1\nDISK = [ ID = 0 ]');
  const copy = original.clone();

  copy.getVector('DISK')?.set('ID', '1');
  copy.set('A', '2');
  copy.add('B', '3');

  t.same(original.toJSON(), [['A', '1'], ['DISK', [['ID', '0']]]]);
  t.same(copy.toJSON(), [['A', '2'], ['DISK', [['ID', '1']]], ['B', '3']]);
});

t.test('Template fromJSON restores attributes', async (t) => {
  const template = Template.fromJSON([['cpu', '1'], ['DISK', [['image_id', '3'], ['TARGET', 'vda']]], ['V', []]]);

  t.same(template.toJSON(), [['CPU', '1'], ['DISK', [['IMAGE_ID', '3'], ['TARGET', 'vda']]], ['V', []]]);
  t.same(Template.fromJSON([]).toJSON(), []);
});

t.test('Template fromJSON copies its input', async (t) => {
  const data: Array<[string, string | Array<[string, string]>]> = [['DISK', [['ID', '0']]]];
  const template = Template.fromJSON(data);

  (data[0][1] as Array<[string, string]>)[0][1] = '9';

  t.equal(template.getVector('DISK')?.get('ID'), '0');
});

const badJsonCases: Array<[string, unknown, string]> = [
  ['object', { CPU: '1' }, 'invalid template data: expected an array of [name, value] pairs, found {"CPU":"1"}'],
  ['string', 'CPU=1', 'invalid template data: expected an array of [name, value] pairs, found "CPU=1"'],
  ['null', null, 'invalid template data: expected an array of [name, value] pairs, found null'],
  ['undefined', undefined, 'invalid template data: expected an array of [name, value] pairs, found undefined'],
  ['item not an array', ['CPU'], 'invalid template data at [0]: expected a [name, value] pair with a string name, found "CPU"'],
  ['item too short', [['CPU']], 'invalid template data at [0]: expected a [name, value] pair with a string name, found ["CPU"]'],
  ['item too long', [['CPU', '1', '2']], 'invalid template data at [0]: expected a [name, value] pair with a string name, found ["CPU","1","2"]'],
  ['name not a string', [[1, '1']], 'invalid template data at [0]: expected a [name, value] pair with a string name, found [1,"1"]'],
  ['number value', [['CPU', 1]], 'invalid template data at [0][1]: expected a string or an array of sub-attribute pairs, found 1'],
  ['object value', [['A', '1'], ['CPU', {}]], 'invalid template data at [1][1]: expected a string or an array of sub-attribute pairs, found {}'],
  ['sub-item not a pair', [['DISK', ['ID']]], 'invalid template data at [0][1][0]: expected a [name, value] pair of strings, found "ID"'],
  ['sub-value not a string', [['DISK', [['ID', 0]]]], 'invalid template data at [0][1][0]: expected a [name, value] pair of strings, found ["ID",0]'],
  ['nested vector', [['DISK', [['ID', [['X', '1']]]]]], 'invalid template data at [0][1][0]: expected a [name, value] pair of strings, found ["ID",[["X","1"]]]'],
  ['duplicate sub-attribute', [['DISK', [['ID', '0'], ['id', '1']]]], 'invalid template data at [0][1][1]: duplicate sub-attribute "id"'],
  ['hole in array', [['A', '1'], , ['B', '2']], 'invalid template data at [1]: expected a [name, value] pair with a string name, found undefined'],
  ['hole in vector', [['DISK', [, ['ID', '0']]]], 'invalid template data at [0][1][0]: expected a [name, value] pair of strings, found undefined'],
  ['invalid name', [['A B', '1']], 'attribute name "A B" is invalid: use only letters, digits and "_"'],
  ['invalid sub-name', [['DISK', [['A-B', '1']]]], 'sub-attribute name "A-B" is invalid: use only letters, digits and "_"'],
  ['invalid value', [['A', '\u0001']], 'value of attribute "A" contains the character U+0001, which XML 1.0 does not allow'],
];

t.test('Template fromJSON rejects bad shapes', async (t) => {
  for (const [name, data, message] of badJsonCases) {
    t.throws(() => Template.fromJSON(data), new TemplateError(message), name);
  }
});

t.test('Template fromJSON shortens long data in messages', async (t) => {
  const error = t.throws(() => Template.fromJSON({ text: 'x'.repeat(200) })) as Error;
  t.ok(error.message.length < 150, error.message);
  t.match(error.message, /\.\.\.$/);
});

t.test('TemplateError carries position', async (t) => {
  const positioned = new TemplateError('bad', { line: 2, column: 5 });
  const plain = new TemplateError('bad');

  t.equal(positioned.message, 'line 2, column 5: bad');
  t.equal(positioned.line, 2);
  t.equal(positioned.column, 5);
  t.equal(positioned.name, 'TemplateError');
  t.ok(positioned instanceof Error);
  t.equal(plain.message, 'bad');
  t.equal(plain.line, undefined);
  t.equal(plain.column, undefined);
});
