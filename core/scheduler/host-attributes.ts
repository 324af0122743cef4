import { leadingNumber, type AttributeSource } from './expression/attribute-source.js';
import type { SchedulerHost, TemplateAttributeInput } from './types.js';

/**
 * Sections that a name without a leading '/' is searched in, in the document order of
 * OpenNebula's host XML (`Host::to_xml`). OpenNebula's scheduler searches the union of
 * these XPaths (`HostXML.cc`) and takes the first node in document order, so the host's
 * own fields come before HOST_SHARE, which comes before TEMPLATE, MONITORING and the
 * cluster's template.
 */
const SEARCH_SECTIONS = [
  '',
  'HOST_SHARE/',
  'HOST_SHARE/DATASTORES/',
  'TEMPLATE/',
  'MONITORING/CAPACITY/',
  'MONITORING/SYSTEM/',
  'CLUSTER_TEMPLATE/',
];

const NO_VALUES: readonly string[] = Object.freeze([]);

/** Section paths by name, shared by all hosts so that a search builds no strings. */
const sectionPathCache = new Map<string, readonly string[]>();
const MAX_CACHED_NAMES = 10_000;

function sectionPaths(name: string): readonly string[] {
  let paths = sectionPathCache.get(name);
  if (!paths) {
    if (sectionPathCache.size >= MAX_CACHED_NAMES) sectionPathCache.clear();
    paths = SEARCH_SECTIONS.map((section) => section + name);
    sectionPathCache.set(name, paths);
  }
  return paths;
}

/** Usage figures of a host after the capacity reservations were added. */
export interface HostUsage {
  cpuUsage: number;
  memUsage: number;
  runningVms: number;
  vmIds: readonly number[];
}

/**
 * Attributes of one host as requirement and rank expressions see them. Names are
 * case-sensitive, as XPath is in OpenNebula. A name such as `FREE_CPU` is searched in
 * every section. A quoted name with '/', such as `"PCI/VENDOR"`, is a path relative to
 * each section. A path that starts with `/HOST/` or `HOST/` starts at the host, as in the
 * `"HOST/VMS/ID" @> 5` example of OpenNebula's template reference. Values are the ones
 * at the start of the cycle, except CURRENT_VMS, which includes the VMs placed on the
 * host during the cycle.
 */
export class HostAttributes implements AttributeSource {
  private paths: Map<string, string[]> | undefined;
  private readonly searched = new Map<string, readonly string[]>();
  private readonly numbers = new Map<string, number>();
  private readonly liveVms: Set<number>;

  constructor(
    private readonly host: SchedulerHost,
    private readonly usage: HostUsage,
  ) {
    this.liveVms = new Set(usage.vmIds);
  }

  values(name: string): readonly string[] {
    if (name === 'CURRENT_VMS') return [...this.liveVms].map(String);

    let values = this.searched.get(name);
    if (values === undefined) {
      values = this.search(name);
      this.searched.set(name, values);
    }
    return values;
  }

  number(name: string): number | undefined {
    const cached = this.numbers.get(name);
    if (cached !== undefined) return Number.isNaN(cached) ? undefined : cached;

    let result: number | undefined;
    for (const value of this.values(name)) {
      result = leadingNumber(value);
      if (result !== undefined) break;
    }

    // NaN marks a name already searched without a number, so the cache needs one lookup.
    this.numbers.set(name, result ?? NaN);
    return result;
  }

  hasVm(vmId: number): boolean {
    return this.liveVms.has(vmId);
  }

  /** Records a VM placed on the host in this cycle, for CURRENT_VMS. */
  addVm(vmId: number): void {
    this.liveVms.add(vmId);
  }

  private search(name: string): readonly string[] {
    const paths = this.documentPaths();

    if (name.startsWith('/HOST/')) return paths.get(name.slice('/HOST/'.length)) ?? NO_VALUES;
    if (name.startsWith('HOST/')) return paths.get(name.slice('HOST/'.length)) ?? NO_VALUES;

    let found: readonly string[] = NO_VALUES;
    for (const path of sectionPaths(name)) {
      const values = paths.get(path);
      if (values) found = found.length === 0 ? values : [...found, ...values];
    }
    return found;
  }

  /** Builds the map from paths under /HOST/ to values on first use, because most hosts are read for few names. */
  private documentPaths(): Map<string, string[]> {
    if (this.paths) return this.paths;

    const paths = new Map<string, string[]>();
    const add = (path: string, value: string | number | undefined) => {
      if (value === undefined) return;
      const list = paths.get(path);
      if (list) list.push(String(value));
      else paths.set(path, [String(value)]);
    };

    addHostFields(this.host, this.usage, add);
    addTemplate('TEMPLATE/', this.host.template, add);

    const monitoring = this.host.monitoring;
    if (monitoring) {
      add('MONITORING/CAPACITY/FREE_CPU', monitoring.freeCpu);
      add('MONITORING/CAPACITY/FREE_MEMORY', monitoring.freeMemory);
      add('MONITORING/CAPACITY/USED_CPU', monitoring.usedCpu);
      add('MONITORING/CAPACITY/USED_MEMORY', monitoring.usedMemory);
    }

    addTemplate('CLUSTER_TEMPLATE/', this.host.clusterTemplate, add);
    this.paths = paths;
    return paths;
  }
}

type AddValue = (path: string, value: string | number | undefined) => void;

function addHostFields(host: SchedulerHost, usage: HostUsage, add: AddValue): void {
  add('ID', host.id);
  add('NAME', host.name);
  add('STATE', host.state);
  add('IM_MAD', host.imMad);
  add('VM_MAD', host.vmMad);
  add('CLUSTER_ID', host.clusterId);
  add('CLUSTER', host.cluster);

  add('HOST_SHARE/MEM_USAGE', usage.memUsage);
  add('HOST_SHARE/CPU_USAGE', usage.cpuUsage);
  add('HOST_SHARE/TOTAL_MEM', host.totalMem);
  add('HOST_SHARE/TOTAL_CPU', host.totalCpu);
  add('HOST_SHARE/MAX_MEM', host.maxMem);
  add('HOST_SHARE/MAX_CPU', host.maxCpu);
  add('HOST_SHARE/RUNNING_VMS', usage.runningVms);

  for (const datastore of host.localDatastores ?? []) {
    add('HOST_SHARE/DATASTORES/DS/ID', datastore.id);
    add('HOST_SHARE/DATASTORES/DS/FREE_MB', datastore.freeMb);
  }

  for (const vmId of usage.vmIds) add('VMS/ID', vmId);
}

/** Adds the template's attributes under the prefix. A vector's own value is its sub-values joined without separators, as XML text content is. */
function addTemplate(prefix: string, attributes: readonly TemplateAttributeInput[] | undefined, add: AddValue): void {
  for (const { name, value } of attributes ?? []) {
    if (typeof value === 'string') {
      add(prefix + name, value);
      continue;
    }

    const entries = value.entries();
    add(prefix + name, entries.map(([, subValue]) => subValue).join(''));
    for (const [subName, subValue] of entries) add(`${prefix}${name}/${subName}`, subValue);
  }
}
