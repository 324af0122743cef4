import type { ExpressionCache } from './expression/expression-cache.js';
import type { CompiledRequirement } from './expression/requirement.js';
import { ExpressionSyntaxError } from './expression/syntax-error.js';
import type { HostTable } from './host-table.js';
import type { RankOrder } from './rank-order.js';

/** A requirement expression that does not parse, with the attribute it came from. */
export interface InvalidRequirement {
  attribute: 'SCHED_REQUIREMENTS' | 'AUTOMATIC_REQUIREMENTS';
  source: string;
  error: ExpressionSyntaxError;
}

/**
 * The hosts that meet one pair of AUTOMATIC_REQUIREMENTS and SCHED_REQUIREMENTS, as
 * OpenNebula combines them: `automatic & ( user )`. A filter that reads CURRENT_VMS is
 * `dynamic` and evaluates the expressions on each use, because placements change the
 * result. Any other filter evaluates them once, at the start of the cycle, on the hosts
 * that the index returns for a required `NAME = value`, or on every host.
 */
export class RequirementFilter {
  /** 1 where the host meets both expressions. A dynamic filter leaves it all 0. */
  readonly mask: Uint8Array;
  /** Number of hosts that meet both expressions, or 0 for a dynamic filter. */
  readonly count: number;
  readonly dynamic: boolean;

  private readonly membersByOrder = new Map<RankOrder, Int32Array>();

  constructor(
    private readonly hosts: HostTable,
    /** Key of the pair of expressions within the cycle. */
    readonly key: string,
    readonly automatic: CompiledRequirement | undefined,
    readonly user: CompiledRequirement | undefined,
  ) {
    this.dynamic = Boolean(automatic?.usesCurrentVms || user?.usesCurrentVms);
    this.mask = new Uint8Array(hosts.size);
    this.count = this.dynamic ? 0 : this.evaluate();
  }

  /** Fills the mask and returns the number of matching hosts. */
  private evaluate(): number {
    const candidates = this.indexedCandidates();
    const total = candidates ? candidates.length : this.hosts.size;
    let count = 0;

    for (let position = 0; position < total; position++) {
      const hostIndex = candidates ? candidates[position] : position;
      const attributes = this.hosts.attributes[hostIndex];
      if (this.automatic && !this.automatic.matches(attributes)) continue;
      if (this.user && !this.user.matches(attributes)) continue;

      this.mask[hostIndex] = 1;
      count++;
    }
    return count;
  }

  /** Returns the shortest host list that a required equality of either expression allows, or undefined to check every host. */
  private indexedCandidates(): readonly number[] | undefined {
    let shortest: readonly number[] | undefined;

    for (const expression of [this.automatic, this.user]) {
      for (const { variable, value } of expression?.requiredEqualities ?? []) {
        const hosts = this.hosts.hostsWithValue(variable, value);
        if (shortest === undefined || hosts.length < shortest.length) shortest = hosts;
      }
    }
    return shortest;
  }

  /** Returns whether the host meets both expressions with the VMs placed so far in this cycle. */
  matchesNow(hostIndex: number): boolean {
    if (!this.dynamic) return this.mask[hostIndex] === 1;

    const attributes = this.hosts.attributes[hostIndex];
    return (!this.automatic || this.automatic.matches(attributes)) && (!this.user || this.user.matches(attributes));
  }

  /** Returns whether the host meets AUTOMATIC_REQUIREMENTS with the VMs placed so far in this cycle. */
  matchesAutomaticNow(hostIndex: number): boolean {
    return !this.automatic || this.automatic.matches(this.hosts.attributes[hostIndex]);
  }

  /** Returns the matching hosts in the rank order, computed once per order. Only for filters that are not dynamic. */
  membersIn(order: RankOrder): Int32Array {
    let members = this.membersByOrder.get(order);
    if (members) return members;

    members = new Int32Array(this.count);
    let next = 0;
    for (let hostIndex = 0; hostIndex < this.mask.length; hostIndex++) {
      if (this.mask[hostIndex] === 1) members[next++] = hostIndex;
    }
    members.sort((a, b) => order.position[a] - order.position[b]);

    this.membersByOrder.set(order, members);
    return members;
  }
}

/**
 * The filters of one cycle, one per distinct pair of expressions. Returns an
 * InvalidRequirement for an expression that does not parse.
 */
export class RequirementFilters {
  private readonly filters = new Map<string, RequirementFilter | InvalidRequirement>();

  constructor(
    private readonly hosts: HostTable,
    private readonly expressions: ExpressionCache,
  ) {}

  get(automaticSource: string, userSource: string): RequirementFilter | InvalidRequirement {
    const key = `${automaticSource}\u0000${userSource}`;
    let filter = this.filters.get(key);

    if (filter === undefined) {
      filter = this.build(key, automaticSource, userSource);
      this.filters.set(key, filter);
    }
    return filter;
  }

  private build(key: string, automaticSource: string, userSource: string): RequirementFilter | InvalidRequirement {
    const automatic = this.compile('AUTOMATIC_REQUIREMENTS', automaticSource);
    if (automatic && 'error' in automatic) return automatic;

    const user = this.compile('SCHED_REQUIREMENTS', userSource);
    if (user && 'error' in user) return user;

    return new RequirementFilter(this.hosts, key, automatic, user);
  }

  private compile(
    attribute: InvalidRequirement['attribute'],
    source: string,
  ): CompiledRequirement | InvalidRequirement | undefined {
    if (source.trim() === '') return undefined;

    const compiled = this.expressions.requirement(source);
    return compiled instanceof ExpressionSyntaxError ? { attribute, source, error: compiled } : compiled;
  }
}
