import t from 'tap';
import type { Flow } from '../../../core/lifecycle/flow.js';
import { runFlow, type FlowRecorder } from '../../../core/lifecycle/flow-runner.js';

interface Trace {
  events: string[];
}

function recorder(trace: Trace): FlowRecorder {
  return {
    async stepStarted(flow, index, step, lcmState) {
      trace.events.push(`start ${flow}#${index} ${step} lcm=${lcmState}`);
    },
    async flowSucceeded(flow, state, lcmState) {
      trace.events.push(`done ${flow} ${state}/${lcmState}`);
    },
    async flowFailed(flow, failure, message) {
      trace.events.push(`failed ${flow} ${failure.state}/${failure.lcmState}: ${message}`);
    },
    log(severity, text) {
      trace.events.push(`log ${severity} ${text}`);
    },
  };
}

function step(name: string, trace: Trace, options: { fail?: string; undoFails?: boolean; noUndo?: boolean } = {}) {
  return {
    name,
    lcmState: name.length,
    failure: { state: 3, lcmState: 36 },
    async run() {
      trace.events.push(`run ${name}`);
      if (options.fail) throw new Error(options.fail);
    },
    undo: options.noUndo
      ? undefined
      : async () => {
          trace.events.push(`undo ${name}`);
          if (options.undoFails) throw new Error(`cannot undo ${name}`);
        },
  };
}

function deployFlow(trace: Trace, failAt?: string, undoFails?: string): Flow<null> {
  return {
    name: 'deploy',
    steps: ['prolog', 'context', 'boot'].map((name) =>
      step(name, trace, { fail: name === failAt ? 'driver said no' : undefined, undoFails: name === undoFails }),
    ),
    done: { state: 3, lcmState: 3 },
  };
}

t.test('flow runs every step in order', async (t) => {
  const trace: Trace = { events: [] };

  const outcome = await runFlow(deployFlow(trace), null, recorder(trace));

  t.same(outcome, { ok: true });
  t.same(
    trace.events.filter((event) => event.startsWith('run') || event.startsWith('done')),
    ['run prolog', 'run context', 'run boot', 'done deploy 3/3'],
  );
});

t.test('flow records each step before running it', async (t) => {
  const trace: Trace = { events: [] };

  await runFlow(deployFlow(trace), null, recorder(trace));

  const boot = trace.events.indexOf('run boot');
  t.equal(trace.events[boot - 1], 'start deploy#2 boot lcm=4');
});

t.test('failing step undoes earlier steps', async (t) => {
  const trace: Trace = { events: [] };

  const outcome = await runFlow(deployFlow(trace, 'boot'), null, recorder(trace));

  t.equal(outcome.ok, false);
  t.same(trace.events.filter((event) => event.startsWith('undo')), ['undo context', 'undo prolog']);
  t.ok(trace.events.includes('failed deploy 3/36: deploy failed at boot: driver said no'), 'failure state and message');
});

t.test('failed undo does not stop others', async (t) => {
  const trace: Trace = { events: [] };

  const outcome = await runFlow(deployFlow(trace, 'boot', 'context'), null, recorder(trace));

  t.same(outcome.ok === false && outcome.undoFailures, ['context']);
  t.same(outcome.ok === false && outcome.undone, ['prolog']);
  t.ok(trace.events.some((event) => event.startsWith('log W deploy: could not undo context')), 'logged as a warning');
});

t.test('flow resumes at a later step', async (t) => {
  const trace: Trace = { events: [] };

  await runFlow(deployFlow(trace), null, recorder(trace), 2);

  t.same(trace.events.filter((event) => event.startsWith('run')), ['run boot']);
});

t.test('first step failure undoes nothing', async (t) => {
  const trace: Trace = { events: [] };

  const outcome = await runFlow(deployFlow(trace, 'prolog'), null, recorder(trace));

  t.same(outcome, { ok: false, step: 'prolog', message: 'deploy failed at prolog: driver said no', undone: [], undoFailures: [] });
});
