import t from 'tap';
import { hidePasswords, idsOf, parseDocument, parsePool, parseRoot, textAt } from '../../cli/documents.js';
import { CliError } from '../../cli/errors.js';

t.test('pool with one entry parses as a list', async (t) => {
  const vms = parsePool('<VM_POOL><VM><ID>4</ID><NAME>web</NAME></VM></VM_POOL>', 'VM_POOL', 'VM');

  t.equal(vms.length, 1);
  t.equal(vms[0].ID, '4');
});

t.test('empty pool parses as an empty list', async (t) => {
  t.same(parsePool('<VM_POOL/>', 'VM_POOL', 'VM'), []);
  t.same(parsePool('<VM_POOL></VM_POOL>', 'VM_POOL', 'VM'), []);
});

t.test('single DISK, NIC and HISTORY parse as lists', async (t) => {
  const vm = parseRoot(
    '<VM><ID>1</ID><TEMPLATE><DISK><IMAGE_ID>3</IMAGE_ID></DISK><NIC><IP>10.0.0.2</IP></NIC></TEMPLATE>' +
      '<HISTORY_RECORDS><HISTORY><HOSTNAME>node1</HOSTNAME></HISTORY></HISTORY_RECORDS></VM>',
    'VM',
  );
  const template = vm.TEMPLATE as Record<string, unknown>;

  t.ok(Array.isArray(template.DISK), 'DISK is a list');
  t.ok(Array.isArray(template.NIC), 'NIC is a list');
  t.ok(Array.isArray((vm.HISTORY_RECORDS as Record<string, unknown>).HISTORY), 'HISTORY is a list');
  t.equal(vm.ID, '1', 'the VM ID stays a single value');
});

t.test('id lists parse as lists of strings', async (t) => {
  const host = parseRoot('<HOST><ID>0</ID><VMS><ID>7</ID></VMS><MONITORING><ID>0</ID></MONITORING></HOST>', 'HOST');

  t.same(idsOf(host.VMS), ['7']);
  t.equal(textAt(host, 'MONITORING.ID'), '0', 'an ID outside an id list stays single');
  t.same(idsOf(parseRoot('<HOST><VMS/></HOST>', 'HOST').VMS), []);
});

t.test('numbers and spaces are kept as text', async (t) => {
  const image = parseRoot('<IMAGE><SIZE>0010</SIZE><TEMPLATE><DESCRIPTION>  two  spaces </DESCRIPTION></TEMPLATE></IMAGE>', 'IMAGE');

  t.equal(image.SIZE, '0010');
  t.equal(textAt(image, 'TEMPLATE.DESCRIPTION'), '  two  spaces ');
});

t.test('escaped text is decoded', async (t) => {
  const user = parseRoot('<USER><NAME>a&amp;b&lt;c</NAME></USER>', 'USER');

  t.equal(user.NAME, 'a&b<c');
});

t.test('indentation between elements is dropped', async (t) => {
  const pool = parseDocument('<VM_POOL>\n  <VM><ID>0</ID></VM>\n</VM_POOL>');

  t.same(pool, { VM_POOL: { VM: [{ ID: '0' }] } });
});

t.test('wrong root element is rejected', async (t) => {
  t.throws(() => parseRoot('<HOST><ID>0</ID></HOST>', 'VM'), CliError);
  t.throws(() => parseRoot('<VM><ID>0</VM>', 'VM'), /not valid XML/);
});

t.test('passwords are hidden', async (t) => {
  const xml = hidePasswords('<USER><NAME>a</NAME><PASSWORD>5e884898da28</PASSWORD></USER>');

  t.equal(xml, '<USER><NAME>a</NAME><PASSWORD>********</PASSWORD></USER>');
});
