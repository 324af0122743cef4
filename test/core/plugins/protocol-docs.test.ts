import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { checkMessage, DRIVER_FAMILIES, findAction, type DriverKind } from '../../../core/drivers/protocol/index.js';
import { parseDriverLine } from '../../../core/drivers/protocol/wire.js';
import { GENERATED_BEGIN, GENERATED_END, renderProtocolReference } from '../../../core/plugins/protocol-reference.js';
import { updateProtocolDoc } from '../../../scripts/generate-protocol-docs.js';
import { PROJECT_ROOT, fixtureDir } from '../drivers/support/plugin-fixtures.js';

const DOC = path.join(PROJECT_ROOT, 'docs', 'driver-protocol.md');

interface TryItLine {
  kind: DriverKind;
  action: string;
  line: string;
}

/** Collects every "try it" line of the doc, with the action heading above it. */
function tryItLines(doc: string): TryItLine[] {
  const found: TryItLine[] = [];
  let heading: { kind: DriverKind; action: string } | undefined;
  for (const line of doc.split('\n')) {
    const match = /^### `(\w+)` \((\w+)\)$/.exec(line);
    if (match) heading = { action: match[1] as string, kind: match[2] as DriverKind };
    if (line.startsWith("printf 'INIT ") && heading !== undefined) found.push({ ...heading, line });
  }
  return found;
}

/** Runs a doc line with `./driver` replaced by a fixture's executable, and returns what the driver wrote. */
function runAgainst(fixture: string, executable: string, line: string): string[] {
  const command = line.replace(/\| \.\/driver$/, `| ./${executable}`);
  const output = execFileSync('bash', ['-c', command], { cwd: fixtureDir(fixture), encoding: 'utf8', timeout: 10_000 });
  return output.split('\n').filter((text) => text !== '' && !text.startsWith('LOG '));
}

t.test('doc matches the protocol declaration', async (t) => {
  const doc = readFileSync(DOC, 'utf8');

  t.ok(doc.includes(GENERATED_BEGIN) && doc.includes(GENERATED_END), 'the doc has the generated markers');
  t.equal(updateProtocolDoc(doc), doc, 'run "npm run build && node dist/scripts/generate-protocol-docs.js" after changing the protocol');
  t.ok(doc.includes(renderProtocolReference()));
});

t.test('doc has a try-it line per action', async (t) => {
  const lines = tryItLines(readFileSync(DOC, 'utf8'));

  for (const [kind, family] of Object.entries(DRIVER_FAMILIES)) {
    for (const action of Object.keys(family)) {
      t.equal(lines.filter((line) => line.kind === kind && line.action === action).length, 1, `${kind} ${action}`);
    }
  }
});

t.test('try-it lines run against the good fixtures', async (t) => {
  const fixtures: Partial<Record<DriverKind, { fixture: string; executable: string }>> = {
    vmm: { fixture: 'good-bash-vmm', executable: 'driver' },
    image: { fixture: 'good-python-image', executable: 'driver.py' },
  };
  const claimed = (fixture: string) => (JSON.parse(readFileSync(path.join(fixtureDir(fixture), 'plugin.json'), 'utf8')) as { actions: string[] }).actions;

  for (const example of tryItLines(readFileSync(DOC, 'utf8'))) {
    const target = fixtures[example.kind];
    if (target === undefined) continue;
    const [init, reply, ...rest] = runAgainst(target.fixture, target.executable, example.line);
    const name = `${example.kind} ${example.action}`;

    t.equal(init, 'INIT SUCCESS 1', `${name}: INIT`);
    t.same(rest, [], `${name}: one reply`);
    const parsed = parseDriverLine(reply ?? '');
    if (parsed.kind !== 'reply') {
      t.fail(`${name}: "${reply}" is not a reply`);
      continue;
    }
    t.equal(parsed.requestId, 1, `${name}: request id`);
    t.equal(parsed.action, example.action, `${name}: action`);

    if (!claimed(target.fixture).includes(example.action)) {
      t.equal(parsed.ok, false, `${name}: an unclaimed action gets FAILURE`);
      continue;
    }
    t.equal(parsed.ok, true, `${name}: SUCCESS`);
    const spec = findAction(example.kind, example.action);
    t.equal(parsed.ok && spec ? checkMessage(spec.reply, parsed.payload) : 'no spec', undefined, `${name}: reply fields`);
  }
});
