/**
 * A VM operation as data: the ordered driver steps of a deploy, a shutdown, a
 * migration. Each step names the life-cycle state the VM is in while it runs, the
 * state a failure leaves the VM in, and, where there is one, the step that undoes it.
 */
export interface FlowStep<Context> {
  /** Short name for logs and the VM's history: "prolog", "boot", "epilog". */
  name: string;
  /** LCM state the VM is in while the step runs, or undefined to keep the current one. */
  lcmState?: number;
  /** The position a failure of this step leaves the VM in. */
  failure: StepFailure;
  run(context: Context): Promise<void>;
  /** Undoes the effect of `run` after a later step failed; absent when nothing can be undone. */
  undo?(context: Context): Promise<void>;
}

/** LCM state (with STATE ACTIVE) or VM state a failed step leaves the VM in. */
export interface StepFailure {
  state: number;
  lcmState: number;
  /**
   * The VM goes back to the host it left when the migration began, because the step
   * failed before the guest stopped running there (a save or a live migration).
   */
  returnToPreviousHost?: boolean;
}

export interface Flow<Context> {
  /** The operation's name, as in OpenNebula's history: "deploy", "terminate", "poweroff". */
  name: string;
  steps: ReadonlyArray<FlowStep<Context>>;
  /** The VM's state and LCM state once every step has succeeded. */
  done: { state: number; lcmState: number };
}

/** Where a flow stopped, as the runner reports and persists it. */
export type FlowOutcome =
  | { ok: true }
  | { ok: false; step: string; message: string; undone: string[]; undoFailures: string[] };
