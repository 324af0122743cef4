import type { Flow, FlowOutcome, StepFailure } from './flow.js';

/** The life-cycle manager's side of a flow run: it records progress and writes the VM log. */
export interface FlowRecorder {
  /** Records that step `index` of the flow is starting, with its LCM state. Durable before the step runs. */
  stepStarted(flow: string, index: number, step: string, lcmState: number | undefined): Promise<void>;
  /** Records the final state once every step has succeeded. */
  flowSucceeded(flow: string, state: number, lcmState: number): Promise<void>;
  /** Records the failure state and the message a user can act on. */
  flowFailed(flow: string, failure: StepFailure, message: string): Promise<void>;
  /** Adds a line to the VM's own log. */
  log(severity: 'I' | 'W' | 'E', text: string): void;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs a flow's steps in order. When a step fails, the steps already done are undone
 * in reverse order where they can be, and the VM is left in the failing step's
 * failure state with the driver's message. Steps from `startAt` on run, which is how
 * an operation interrupted by a daemon restart is resumed.
 */
export async function runFlow<Context>(
  flow: Flow<Context>,
  context: Context,
  recorder: FlowRecorder,
  startAt = 0,
): Promise<FlowOutcome> {
  for (let index = startAt; index < flow.steps.length; index++) {
    const step = flow.steps[index];
    await recorder.stepStarted(flow.name, index, step.name, step.lcmState);

    try {
      await step.run(context);
    } catch (error) {
      const message = `${flow.name} failed at ${step.name}: ${messageOf(error)}`;
      recorder.log('E', message);

      const undo = await undoSteps(flow, context, index, recorder);
      await recorder.flowFailed(flow.name, step.failure, message);
      return { ok: false, step: step.name, message, ...undo };
    }

    recorder.log('I', `${flow.name}: ${step.name} done`);
  }

  await recorder.flowSucceeded(flow.name, flow.done.state, flow.done.lcmState);
  return { ok: true };
}

/** Undoes the steps before `failedIndex`, last first; an undo that fails is logged and the rest still run. */
async function undoSteps<Context>(
  flow: Flow<Context>,
  context: Context,
  failedIndex: number,
  recorder: FlowRecorder,
): Promise<{ undone: string[]; undoFailures: string[] }> {
  const undone: string[] = [];
  const undoFailures: string[] = [];

  for (let index = failedIndex - 1; index >= 0; index--) {
    const step = flow.steps[index];
    if (!step.undo) continue;

    try {
      await step.undo(context);
      undone.push(step.name);
      recorder.log('I', `${flow.name}: undid ${step.name}`);
    } catch (error) {
      undoFailures.push(step.name);
      recorder.log('W', `${flow.name}: could not undo ${step.name}: ${messageOf(error)}`);
    }
  }
  return { undone, undoFailures };
}
