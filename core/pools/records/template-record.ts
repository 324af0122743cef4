import type { Template } from '../../template/index.js';
import type { ObjectHeader } from '../object-header.js';
import type { PoolDefinition } from '../object-pool.js';
import { objectCodec } from './object-codec.js';

/** A VM template, instantiated into VMs with `one.template.instantiate`. */
export interface TemplateRecord extends ObjectHeader {
  regtime: number;
  template: Template;
}

export const TEMPLATE_POOL: PoolDefinition<TemplateRecord> = {
  table: 'template_pool',
  sequence: 'template',
  objectName: 'virtual machine template',
  resourceType: 'TEMPLATE',
  codec: objectCodec<TemplateRecord>({ templateFields: ['template'] }),
};
