import { readFile } from 'node:fs/promises';
import type { OneClient } from '../../rpc/client/client.js';
import { LcmState, VmState } from '../../core/vm/states.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function field(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

/** Polls one.image.info until the image is READY; throws with the image's ERROR otherwise. */
export async function waitForImage(client: OneClient, imageId: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const xml = await client.call<string>('one.image.info', imageId);
    const state = Number(field(xml, 'STATE'));
    if (state === 1) return;
    if (state === 5) throw new Error(`image ${imageId} failed to register: ${field(xml, 'ERROR') ?? 'no message'}`);
    if (Date.now() > deadline) throw new Error(`image ${imageId} is still not READY after ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

function positionName(xml: string): string {
  const state = Number(field(xml, 'STATE'));
  const lcm = Number(field(xml, 'LCM_STATE'));
  return state === VmState.ACTIVE ? `ACTIVE/${LcmState[lcm]}` : (VmState[state] ?? String(state));
}

/**
 * Polls one.vm.info, printing each state the VM passes through with the time since
 * the start, until `done(state name)` holds; throws when the VM reaches a failure state.
 */
export async function waitForVm(client: OneClient, vmId: number, target: string, timeoutMs: number, print: (line: string) => void): Promise<void> {
  const started = Date.now();
  let last = '';
  for (;;) {
    const xml = await client.call<string>('one.vm.info', vmId);
    const name = positionName(xml);
    if (name !== last) {
      print(`  ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s  VM ${vmId} ${name}`);
      last = name;
    }
    if (name === target) return;
    if (name.endsWith('_FAILURE')) throw new Error(`VM ${vmId} failed: ${field(xml, 'ERROR') ?? name}`);
    if (Date.now() - started > timeoutMs) throw new Error(`VM ${vmId} did not reach ${target} within ${timeoutMs / 1000} s (now ${name})`);
    await sleep(300);
  }
}

/** Polls the serial console file until a line starts with `marker`, and returns that line. */
export async function waitForConsoleLine(file: string, marker: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFile(file, 'latin1').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const line = text.split(/\r?\n/).map((l) => l.replace(/\r/g, '')).find((l) => l.startsWith(marker));
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`no "${marker}" line in ${file} after ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}
