import type { FieldSet, MessageOf } from './fields.js';

/** One action of a driver family: what the core sends and what a successful reply carries. */
export interface ActionSpec<Request extends FieldSet = FieldSet, Reply extends FieldSet = FieldSet> {
  summary: string;
  request: Request;
  reply: Reply;
  /** Default deadline for the reply, in seconds; a manifest or the configuration may change it. */
  timeoutSeconds: number;
}

export type RequestOf<A> = A extends ActionSpec<infer Q, FieldSet> ? MessageOf<Q> : never;
export type ReplyOf<A> = A extends ActionSpec<FieldSet, infer R> ? MessageOf<R> : never;

/** Declares an action, keeping its literal field types for RequestOf and ReplyOf. */
export function action<const Q extends FieldSet, const R extends FieldSet>(spec: ActionSpec<Q, R>): ActionSpec<Q, R> {
  return spec;
}
