import { HostState } from '../pools/records/host-record.js';
import { countHosts, countVms } from './format.js';
import type { HostTable } from './host-table.js';
import type { InvalidRequirement, RequirementFilter } from './requirement-filter.js';

const EXCLUDED_STATE_WORDS: Partial<Record<HostState, string>> = {
  [HostState.DISABLED]: 'disabled',
  [HostState.ERROR]: 'in error',
  [HostState.OFFLINE]: 'offline',
};

/** Explains an empty set of schedulable hosts with the states of the other hosts. */
export function noEnabledHostsMessage(hosts: HostTable): string {
  if (hosts.excludedByState.size === 0) return 'No hosts exist to run VMs; an administrator must add one';

  const parts = [...hosts.excludedByState].map(([state, count]) => {
    const word = EXCLUDED_STATE_WORDS[state] ?? `in state ${state}`;
    return `${countHosts(count)} ${word}`;
  });
  return `No host is enabled to run VMs: ${parts.join(', ')}`;
}

export function invalidRequirementMessage(invalid: InvalidRequirement): string {
  return `${invalid.attribute} "${invalid.source}" is invalid: ${invalid.error.message}`;
}

export function dispatchLimitMessage(maxDispatch: number): string {
  return `Waiting for a later cycle: this cycle already placed ${countVms(maxDispatch)}, the maximum per cycle (MAX_DISPATCH = ${maxDispatch})`;
}

/**
 * Explains that no host meets the requirements: which expression ruled them all out,
 * among how many hosts, and which attributes it names that no host has.
 */
export function requirementsMessage(hosts: HostTable, filter: RequirementFilter, automaticCount: number): string {
  if (filter.automatic && automaticCount === 0) {
    const source = filter.automatic.source;
    return `No host meets AUTOMATIC_REQUIREMENTS "${source}": 0 of ${countHosts(hosts.size)} match${missingAttributesHint(hosts, filter.automatic.variables)}`;
  }

  const source = filter.user?.source ?? '';
  const among =
    filter.automatic && automaticCount < hosts.size
      ? `0 of the ${countHosts(automaticCount)} that meet AUTOMATIC_REQUIREMENTS match`
      : `0 of ${countHosts(automaticCount)} match`;
  return `No host meets SCHED_REQUIREMENTS "${source}": ${among}${missingAttributesHint(hosts, filter.user?.variables ?? [])}`;
}

/**
 * Names the attributes that no schedulable host has, since a misspelt or lower-case name
 * (names are case-sensitive) is the usual reason why nothing matches.
 */
function missingAttributesHint(hosts: HostTable, variables: readonly string[]): string {
  const hasAttribute = (name: string) => hosts.attributes.some((attributes) => attributes.values(name).length > 0);

  const hints = variables
    .filter((name) => !hasAttribute(name))
    .map((name) => {
      const upper = name.toUpperCase();
      return upper !== name && hasAttribute(upper) ? `${name} (names are case-sensitive: did you mean ${upper}?)` : name;
    });

  if (hints.length === 0) return '';
  return hints.length === 1 ? `; no host has the attribute ${hints[0]}` : `; no host has the attributes ${hints.join(', ')}`;
}
