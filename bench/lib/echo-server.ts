import xmlrpc from 'xmlrpc';

/**
 * The reference server: the `xmlrpc` package's own server answering every call with
 * OpenNebula's success array around its first argument. Prints its port once ready.
 */
const server = xmlrpc.createServer({ host: '127.0.0.1', port: 0 }, () => {
  const address = server.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`echo listening on ${port}\n`);
});

server.on('NotFound', () => undefined);
for (const method of ['one.vm.info', 'one.vmpool.info']) {
  server.on(method, (_error: unknown, params: unknown[], callback: (error: unknown, value: unknown) => void) => {
    callback(null, [true, params[1] ?? '', 0]);
  });
}
