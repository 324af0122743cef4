// one.vmpool.info sends its document in parts: the body must still be one valid
// response whose Content-Length counts its UTF-8 bytes.
import t from 'tap';
import { startTestDaemon } from '../helpers/daemon.js';
import { findAll, parseXml } from '../helpers/objects.js';
import { methodCall, postRaw, xmlText } from '../helpers/raw-http.js';

/** Enough VMs that the response is written in several pieces of 64 Ki characters. */
const VMS = 400;

t.test('large pool response complete', async (t) => {
  const test = await startTestDaemon(t);
  for (let n = 0; n < VMS; n++) {
    await test.admin.call('one.vm.allocate', `NAME = "vm-é-${n}"\nCPU = "1"\nMEMORY = "64"`, true);
  }

  const body = methodCall('one.vmpool.info', [`<string>${xmlText(test.adminSession)}</string>`, '<i4>-2</i4>', '<i4>-1</i4>', '<i4>-1</i4>', '<i4>-1</i4>']);
  const response = await postRaw(test.url, body);
  const document = await test.admin.call<string>('one.vmpool.info', -2, -1, -1, -1);
  const names = findAll(parseXml(document), 'VM/NAME').map((name) => name.text);

  t.equal(response.status, 200);
  t.equal(Number(response.headers['content-length']), Buffer.byteLength(response.body), 'Content-Length counts UTF-8 bytes');
  t.ok(Buffer.byteLength(response.body) > 2 * 64 * 1024, `the body (${Buffer.byteLength(response.body)} bytes) spans several pieces`);
  t.match(response.body, /^<\?xml version="1\.0"\?>\n<methodResponse>/, 'the response starts as one');
  t.match(response.body, /<\/methodResponse>$/, 'and ends as one');
  t.equal(names.length, VMS, 'every VM listed');
  t.equal(names[VMS - 1], `vm-é-${VMS - 1}`, 'names keep their characters');
});
