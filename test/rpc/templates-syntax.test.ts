import t from 'tap';
import type { CallParam } from '../../rpc/client/client.js';
import { startTestDaemon } from '../helpers/daemon.js';
import { apiError, childNames, createNetwork, ErrorCode, find, findAll, parseXml, registerImage, textAt } from '../helpers/objects.js';

// Every call that takes a template accepts OpenNebula's text syntax and its XML form,
// and reports a syntax error as XML_RPC_API with the line and column.

t.test('text syntax', async (t) => {
  t.test('reads comments, quotes, vectors', async (t) => {
    const { admin } = await startTestDaemon(t);
    const text = [
      '# a web server',
      'name = web',
      'cpu = 0.5',
      'DESCRIPTION = "says \\"hi\\"',
      'on two lines"',
      'EMPTY =',
      'DISK = [',
      '  image_id = 1,',
      '  TARGET = "vda" ]',
      'DISK = [ IMAGE_ID = 2 ]',
    ].join('\n');

    const id = await admin.call<number>('one.template.allocate', text);

    const template = parseXml(await admin.call<string>('one.template.info', id));
    t.equal(find(template, 'NAME').text, 'web');
    t.equal(find(template, 'TEMPLATE/CPU').text, '0.5');
    t.equal(find(template, 'TEMPLATE/DESCRIPTION').text, 'says "hi"\non two lines');
    t.equal(find(template, 'TEMPLATE/EMPTY').text, '');
    t.same(childNames(find(template, 'TEMPLATE/DISK')), ['IMAGE_ID', 'TARGET']);
    t.same(findAll(template, 'TEMPLATE/DISK/IMAGE_ID').map((node) => node.text), ['1', '2']);
  });

  t.test('accepts an empty vector', async (t) => {
    const { admin } = await startTestDaemon(t);

    const id = await admin.call<number>('one.template.allocate', 'NAME = "web"\nFEATURES = [ ]');

    t.equal(textAt(await admin.call<string>('one.template.info', id), 'TEMPLATE/FEATURES'), '');
  });
});

t.test('XML form', async (t) => {
  t.test('reads elements, vectors, CDATA', async (t) => {
    const { admin } = await startTestDaemon(t);
    const xml = '<TEMPLATE><NAME>web</NAME><CPU><![CDATA[2]]></CPU><DISK><IMAGE_ID>3</IMAGE_ID><TARGET>vda</TARGET></DISK></TEMPLATE>';

    const id = await admin.call<number>('one.template.allocate', xml);

    const template = await admin.call<string>('one.template.info', id);
    t.equal(textAt(template, 'NAME'), 'web');
    t.equal(textAt(template, 'TEMPLATE/CPU'), '2');
    t.equal(textAt(template, 'TEMPLATE/DISK/TARGET'), 'vda');
  });

  t.test('takes any root element', async (t) => {
    const { admin } = await startTestDaemon(t);

    const id = await admin.call<number>('one.template.allocate', '  <VMTEMPLATE><NAME>web</NAME></VMTEMPLATE>');

    t.equal(textAt(await admin.call<string>('one.template.info', id), 'NAME'), 'web');
  });
});

t.test('both forms everywhere', async (t) => {
  /** One call per method that takes a template, given the template to send. */
  const calls: Array<[string, (template: string) => CallParam[]]> = [
    ['one.datastore.allocate', (template) => [template, -1]],
    ['one.image.allocate', (template) => [template, 1]],
    ['one.template.allocate', (template) => [template]],
    ['one.vn.allocate', (template) => [template, -1]],
    ['one.vm.allocate', (template) => [template]],
  ];
  const text: Record<string, string> = {
    'one.datastore.allocate': 'NAME = "ds-text"\nDS_MAD = "fs"\nTM_MAD = "ssh"',
    'one.image.allocate': 'NAME = "img-text"\nPATH = "/srv/a.img"',
    'one.template.allocate': 'NAME = "tpl-text"\nCPU = "1"',
    'one.vn.allocate': 'NAME = "net-text"\nVN_MAD = "bridge"\nAR = [ TYPE = "ETHER", SIZE = "2" ]',
    'one.vm.allocate': 'NAME = "vm-text"\nCPU = "1"\nMEMORY = "64"',
  };
  const xml: Record<string, string> = {
    'one.datastore.allocate': '<TEMPLATE><NAME>ds-xml</NAME><DS_MAD>fs</DS_MAD><TM_MAD>ssh</TM_MAD></TEMPLATE>',
    'one.image.allocate': '<TEMPLATE><NAME>img-xml</NAME><PATH>/srv/a.img</PATH></TEMPLATE>',
    'one.template.allocate': '<TEMPLATE><NAME>tpl-xml</NAME><CPU>1</CPU></TEMPLATE>',
    'one.vn.allocate': '<TEMPLATE><NAME>net-xml</NAME><VN_MAD>bridge</VN_MAD><AR><TYPE>ETHER</TYPE><SIZE>2</SIZE></AR></TEMPLATE>',
    'one.vm.allocate': '<TEMPLATE><NAME>vm-xml</NAME><CPU>1</CPU><MEMORY>64</MEMORY></TEMPLATE>',
  };

  for (const [method, params] of calls) {
    t.test(`${method} takes text and XML`, async (t) => {
      const { admin } = await startTestDaemon(t);

      const fromText = await admin.call<number>(method, ...params(text[method]));
      const fromXml = await admin.call<number>(method, ...params(xml[method]));

      t.equal(fromXml, fromText + 1);
    });
  }

  t.test('update takes text and XML', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);
    await registerImage(admin, 'base');
    await admin.call('one.template.allocate', 'NAME = "web"');
    await createNetwork(admin, 'private');
    await admin.call('one.vm.allocate', 'CPU = "1"\nMEMORY = "64"');
    const objects: Array<[string, number]> = [['host', 0], ['datastore', 1], ['image', 0], ['template', 0], ['vn', 0], ['vm', 0]];

    for (const [object, id] of objects) {
      await admin.call(`one.${object}.update`, id, 'FROM_TEXT = "yes"', 1);
      await admin.call(`one.${object}.update`, id, '<TEMPLATE><FROM_XML>yes</FROM_XML></TEMPLATE>', 1);

      const document = await admin.call<string>(`one.${object}.info`, id);
      const root = object === 'vm' ? 'USER_TEMPLATE' : 'TEMPLATE';
      t.equal(textAt(document, `${root}/FROM_TEXT`), 'yes', `${object} text`);
      t.equal(textAt(document, `${root}/FROM_XML`), 'yes', `${object} XML`);
    }
  });

  t.test('address ranges take text and XML', async (t) => {
    const { admin } = await startTestDaemon(t);
    const id = await createNetwork(admin, 'private');

    await admin.call('one.vn.add_ar', id, '<TEMPLATE><AR><TYPE>ETHER</TYPE><SIZE>4</SIZE></AR></TEMPLATE>');
    await admin.call('one.vn.update_ar', id, '<TEMPLATE><AR><AR_ID>1</AR_ID><SIZE>6</SIZE></AR></TEMPLATE>');
    await admin.call('one.vn.update_ar', id, 'AR = [ AR_ID = "0", SIZE = "20" ]');

    const sizes = findAll(parseXml(await admin.call<string>('one.vn.info', id)), 'AR_POOL/AR/SIZE').map((node) => node.text);
    t.same(sizes, ['20', '6']);
  });

  t.test('instantiate takes text and XML', async (t) => {
    const { admin } = await startTestDaemon(t);
    const id = await admin.call<number>('one.template.allocate', 'NAME = "web"\nCPU = "1"\nMEMORY = "64"');

    const fromText = await admin.call<number>('one.template.instantiate', id, '', false, 'MEMORY = "256"');
    const fromXml = await admin.call<number>('one.template.instantiate', id, '', false, '<TEMPLATE><MEMORY>512</MEMORY></TEMPLATE>');

    t.equal(textAt(await admin.call<string>('one.vm.info', fromText), 'TEMPLATE/MEMORY'), '256');
    t.equal(textAt(await admin.call<string>('one.vm.info', fromXml), 'TEMPLATE/MEMORY'), '512');
  });
});

t.test('syntax errors', async (t) => {
  t.test('text error names line and column', async (t) => {
    const { admin } = await startTestDaemon(t);

    const error = await apiError(admin.call('one.template.allocate', 'NAME = "web"\nCPU = = 1'));

    t.equal(error.code, ErrorCode.XML_RPC_API);
    t.match(error.message, /^\[one\.template\.allocate\] Parse error in the template: line 2, column 7: /);
  });

  t.test('unclosed vector names its start', async (t) => {
    const { admin } = await startTestDaemon(t);

    const error = await apiError(admin.call('one.template.allocate', 'NAME = "web"\nDISK = [ IMAGE_ID = 1,\n TARGET = vda'));

    t.equal(error.code, ErrorCode.XML_RPC_API);
    t.match(error.message, /line 2, column 1: .*"DISK".*"\]"/);
  });

  t.test('XML error names line and column', async (t) => {
    const { admin } = await startTestDaemon(t);

    const error = await apiError(admin.call('one.template.allocate', '<TEMPLATE><NAME>web</NAME>\n<CPU>1</MEMORY></TEMPLATE>'));

    t.equal(error.code, ErrorCode.XML_RPC_API);
    t.match(error.message, /line 2, column \d+: invalid XML/);
  });

  t.test('value with "]]>" is rejected', async (t) => {
    const { admin } = await startTestDaemon(t);

    const error = await apiError(admin.call('one.template.allocate', 'NAME = "web"\nDESCRIPTION = "a]]>b"'));

    t.equal(error.code, ErrorCode.XML_RPC_API);
  });

  t.test('every template call reports them', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);
    const templateId = await admin.call<number>('one.template.allocate', 'NAME = "web"\nCPU = "1"\nMEMORY = "64"');
    await createNetwork(admin, 'private');
    await admin.call('one.vm.allocate', 'CPU = "1"\nMEMORY = "64"');
    const broken = 'A = "1"\nB = [';
    const calls: Array<[string, CallParam[]]> = [
      ['one.datastore.allocate', [broken, -1]],
      ['one.image.allocate', [broken, 1]],
      ['one.template.allocate', [broken]],
      ['one.vn.allocate', [broken, -1]],
      ['one.vm.allocate', [broken]],
      ['one.host.update', [0, broken, 0]],
      ['one.datastore.update', [1, broken, 0]],
      ['one.template.update', [templateId, broken, 1]],
      ['one.vn.update', [0, broken, 1]],
      ['one.vm.update', [0, broken, 1]],
      ['one.vn.add_ar', [0, broken]],
      ['one.vn.update_ar', [0, broken]],
      ['one.template.instantiate', [templateId, '', false, broken]],
    ];

    for (const [method, params] of calls) {
      const error = await apiError(admin.call(method, ...params));
      t.equal(error.code, ErrorCode.XML_RPC_API, method);
      t.match(error.message, /line 2, column 1/, method);
    }
  });
});
