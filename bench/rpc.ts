import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Serializer from 'xmlrpc/lib/serializer.js';
import { post, runLoad, type LoadResult } from './lib/http-load.js';

/**
 * Requests per second of `one.vm.info` and time of `one.vmpool.info` with 10,000 VMs,
 * against a bare `xmlrpc` echo server in the same run. Usage:
 *   npm run bench:rpc -- [--vms 10000] [--seconds 10] [--pool-calls 20]
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const VMS = option('vms', 10_000);
const SECONDS = option('seconds', 10);
const POOL_CALLS = option('pool-calls', 20);

function startProcess(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) resolve({ child, match });
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before it was ready`)));
  });
}

const isSuccess = (response: string) => response.includes('<boolean>1</boolean>');

async function populate(url: URL, session: string): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const started = performance.now();
  let next = 0;

  const worker = async () => {
    while (next < VMS) {
      const n = next++;
      const template = `NAME="bench-${n}"\nCPU="0.1"\nMEMORY="64"\nDESCRIPTION="benchmark VM ${n}"`;
      const response = await post(agent, url, Serializer.serializeMethodCall('one.vm.allocate', [session, template, false]));
      if (!isSuccess(response)) throw new Error(`allocation failed: ${response}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  agent.destroy();
  return VMS / ((performance.now() - started) / 1000);
}

async function timePoolInfo(url: URL, session: string): Promise<{ median: number; p95: number; bytes: number }> {
  const agent = new http.Agent({ keepAlive: true });
  const body = Serializer.serializeMethodCall('one.vmpool.info', [session, -2, -1, -1, -1]);
  const times: number[] = [];
  let bytes = 0;

  for (let call = 0; call < POOL_CALLS; call++) {
    const started = performance.now();
    const response = await post(agent, url, body);
    times.push(performance.now() - started);
    if (!isSuccess(response)) throw new Error(`vmpool.info failed: ${response.slice(0, 300)}`);
    bytes = Buffer.byteLength(response);
  }
  agent.destroy();

  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], p95: times[Math.floor(times.length * 0.95)], bytes };
}

function row(label: string, result: LoadResult): string {
  return `| ${label} | ${result.perSecond.toFixed(0)} | ${result.p50.toFixed(2)} | ${result.p99.toFixed(2)} |`;
}

async function main(): Promise<void> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'stratus-bench-'));
  const daemon = await startProcess(
    [path.join(ROOT, 'bin', 'stratusd.js'), '--home', home, '--port', '0'],
    /listening on (\S+)/,
  );
  const echo = await startProcess([path.join(ROOT, 'dist', 'bench', 'lib', 'echo-server.js')], /echo listening on (\d+)/);

  try {
    const stratus = new URL(daemon.match[1]);
    const echoUrl = new URL(`http://127.0.0.1:${echo.match[1]}/RPC2`);
    const session = readFileSync(path.join(home, 'one_auth'), 'utf8').trim();

    const allocationsPerSecond = await populate(stratus, session);
    const info = Serializer.serializeMethodCall('one.vm.info', [session, Math.floor(VMS / 2)]);

    const results: Array<[string, LoadResult]> = [];
    for (const clients of [1, 16]) {
      results.push([`stratusd one.vm.info, ${clients} client(s)`, await runLoad(stratus, info, clients, SECONDS, isSuccess)]);
      results.push([`xmlrpc echo server, ${clients} client(s)`, await runLoad(echoUrl, info, clients, SECONDS, isSuccess)]);
    }
    const pool = await timePoolInfo(stratus, session);

    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    console.log(`Machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
    console.log(`VMs: ${VMS}; load duration ${SECONDS} s per row\n`);
    console.log('| server and call | requests/s | p50 ms | p99 ms |\n| --- | --- | --- | --- |');
    for (const [label, result] of results) console.log(row(label, result));
    console.log(`\none.vmpool.info with ${VMS} VMs (raw HTTP, ${POOL_CALLS} calls): median ${pool.median.toFixed(1)} ms, p95 ${pool.p95.toFixed(1)} ms, ${(pool.bytes / 1e6).toFixed(2)} MB`);
    console.log(`one.vm.allocate, 8 concurrent clients: ${allocationsPerSecond.toFixed(0)} per second`);
  } finally {
    daemon.child.kill('SIGTERM');
    echo.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
