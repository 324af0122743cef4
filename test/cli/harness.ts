import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../cli/io.js';
import { main } from '../../cli/main.js';
import { parseMethodCall, type XmlRpcValue } from '../../rpc/xmlrpc/index.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** What one `stratus` run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A parameter as the CLI sent it, after the session string. */
export type SentValue = number | boolean | string | SentValue[] | { [name: string]: SentValue } | null;

/** One XML-RPC call that went through the recording proxy. */
export interface RecordedCall {
  method: string;
  session: string;
  params: SentValue[];
}

export interface CliHarness {
  daemon: TestDaemon;
  /** The proxy's URL, in front of the daemon. */
  url: string;
  /** Every call the CLI made, in order. */
  calls: RecordedCall[];
  /** A folder for template files; relative file arguments are read from here. */
  folder: string;
  /** Environment of the admin runs: ONE_AUTH and ONE_XMLRPC. */
  env: NodeJS.ProcessEnv;
  /** Runs `stratus ARGS` in process as oneadmin. */
  run(...args: string[]): Promise<CliRun>;
  /** Runs `stratus ARGS` in process with another session string (`user:password`). */
  runAs(session: string, ...args: string[]): Promise<CliRun>;
  /** Runs `stratus ARGS` with the given text on standard input. */
  runWithStdin(stdin: string, ...args: string[]): Promise<CliRun>;
  /** Writes a file into `folder` and returns its name. */
  writeFile(name: string, content: string): string;
  /** The calls made to one method. */
  callsTo(method: string): RecordedCall[];
}

function plainValue(value: XmlRpcValue): SentValue {
  switch (value.type) {
    case 'int':
    case 'double':
    case 'boolean':
    case 'string':
    case 'dateTime':
      return value.value;
    case 'array':
      return value.items.map(plainValue);
    case 'struct':
      return Object.fromEntries([...value.members].map(([name, member]) => [name, plainValue(member)]));
    case 'base64':
      return value.value.toString('base64');
    case 'nil':
      return null;
  }
}

/** Starts an HTTP proxy that records each XML-RPC call and forwards it to the daemon unchanged. */
async function startRecordingProxy(t: Teardown, target: string, calls: RecordedCall[]): Promise<string> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const call = parseMethodCall(body.toString('utf8'));
      const [session, ...params] = call.params.map(plainValue);
      calls.push({ method: call.methodName, session: String(session), params });

      const upstream = http.request(target, { method: 'POST', headers: { 'content-type': 'text/xml', 'content-length': body.length } }, (reply) => {
        response.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(response);
      });
      upstream.on('error', (error) => response.destroy(error));
      upstream.end(body);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}/RPC2`;
}

/** Runs `main` in process with captured output. */
export async function runInProcess(env: NodeJS.ProcessEnv, cwd: string, args: string[], stdin = ''): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
    cwd,
    readStdin: async () => stdin,
    now: () => Date.now(),
  };
  const code = await main(['node', 'stratus', ...args], io);
  return { code, stdout, stderr };
}

/**
 * Starts a daemon with a recording proxy in front of it and returns a way to run the
 * CLI against it. Everything is stopped and removed when the test ends.
 */
export async function startCli(t: Teardown): Promise<CliHarness> {
  const daemon = await startTestDaemon(t);
  const calls: RecordedCall[] = [];
  const url = await startRecordingProxy(t, daemon.url, calls);

  const folder = mkdtempSync(path.join(os.tmpdir(), 'stratus-cli-test-'));
  t.teardown(() => rmSync(folder, { recursive: true, force: true }));

  let authFiles = 0;
  const envFor = (session: string): NodeJS.ProcessEnv => {
    authFiles += 1;
    const file = path.join(folder, `one_auth.${authFiles}`);
    writeFileSync(file, `${session}\n`);
    return { ONE_AUTH: file, ONE_XMLRPC: url };
  };
  const env = envFor(daemon.adminSession);

  return {
    daemon,
    url,
    calls,
    folder,
    env,
    run: (...args) => runInProcess(env, folder, args),
    runAs: (session, ...args) => runInProcess(envFor(session), folder, args),
    runWithStdin: (stdin, ...args) => runInProcess(env, folder, args, stdin),
    writeFile: (name, content) => {
      writeFileSync(path.join(folder, name), content);
      return name;
    },
    callsTo: (method) => calls.filter((call) => call.method === method),
  };
}

/** Returns the project folder, the nearest parent with a package.json. This file runs from test/cli/ or dist/test/cli/. */
export function projectRoot(): string {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(folder, 'package.json'))) {
    const parent = path.dirname(folder);
    if (parent === folder) throw new Error('no package.json above the test folder');
    folder = parent;
  }
  return folder;
}

/**
 * Runs `node bin/stratus.js ARGS` as a child process, with `stdin` on its standard input;
 * bin/stratus.js loads the compiled dist/. HOME is a temporary folder so ~/.one is not read.
 */
export async function runChild(env: NodeJS.ProcessEnv, args: string[], stdin = ''): Promise<CliRun> {
  const script = path.join(projectRoot(), 'bin', 'stratus.js');
  const child = spawn(process.execPath, [script, ...args], {
    env: { PATH: process.env.PATH, HOME: os.tmpdir(), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(stdin);

  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });

  const code = await new Promise<number>((resolve) => child.on('close', (exitCode) => resolve(exitCode ?? -1)));
  return { code, stdout, stderr };
}

/** Parses a run's standard output as JSON. */
export function jsonOutput<T = unknown>(run: CliRun): T {
  return JSON.parse(run.stdout) as T;
}
