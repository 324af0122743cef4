/**
 * RESCHED as a column of vm_pool, so that the scheduler finds the RUNNING VMs to move
 * without reading every VM's body. Existing rows take the value from their JSON body.
 */
export const VM_RESCHED_COLUMN = `
ALTER TABLE vm_pool ADD COLUMN resched INTEGER NOT NULL DEFAULT 0;
UPDATE vm_pool SET resched = COALESCE(json_extract(body, '$.resched'), 0);
CREATE INDEX vm_pool_resched ON vm_pool (resched) WHERE resched = 1;
`;
