import { DRIVER_FAMILIES, DRIVER_KINDS, PROTOCOL_VERSIONS, type ActionSpec, type DriverKind, type FieldSet } from '../drivers/protocol/index.js';
import { encodeRequest, encodeSuccess } from '../drivers/protocol/wire.js';
import { exampleRequest } from './probe-actions.js';

/** The setting that selects a driver of each family for an object, and the `stratus` command that sets it. */
const ENABLING: Record<DriverKind, { setting: string; command: string }> = {
  auth: { setting: "the user's AUTH_DRIVER names the plugin", command: 'stratus user create alice PASSWORD --driver NAME' },
  vmm: { setting: "the host's VM_MAD names the plugin", command: 'stratus host create node1 --im NAME --vm NAME' },
  image: { setting: "the datastore's DS_MAD names the plugin", command: 'stratus datastore create --template \'NAME = "images"\nDS_MAD = "NAME"\nTM_MAD = "shared"\'' },
  transfer: { setting: "the datastore's TM_MAD names the plugin", command: 'stratus datastore create --template \'NAME = "images"\nDS_MAD = "fs"\nTM_MAD = "NAME"\'' },
};

export const GENERATED_BEGIN = '<!-- BEGIN GENERATED: protocol reference (scripts/generate-protocol-docs.ts) -->';
export const GENERATED_END = '<!-- END GENERATED: protocol reference -->';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function fieldTable(fields: FieldSet): string[] {
  const rows = Object.entries(fields).map(([name, spec]) => {
    const required = spec.optional ? 'no' : 'yes';
    return `| \`${name}\` | ${spec.type} | ${required} | ${cell(spec.description)} | \`${cell(JSON.stringify(spec.example))}\` |`;
  });
  return ['| field | type | required | meaning | example |', '| --- | --- | --- | --- | --- |', ...rows];
}

function exampleReply(spec: ActionSpec): Record<string, unknown> {
  return Object.fromEntries(Object.entries(spec.reply).map(([name, field]) => [name, field.example]));
}

/** Builds the shell line that pipes INIT, one action with its example request, and FINALIZE into a driver. */
export function tryItLine(name: string, spec: ActionSpec): string {
  const request = encodeRequest(name, 1, exampleRequest(spec)).trim();
  return `printf 'INIT ${PROTOCOL_VERSIONS.at(-1)}\\n${request}\\nFINALIZE\\n' | ./driver`;
}

function renderAction(kind: DriverKind, name: string, spec: ActionSpec): string[] {
  const reply = exampleReply(spec);
  const hasReplyFields = Object.keys(spec.reply).length > 0;
  const lines = [`### \`${name}\` (${kind})`, '', `${spec.summary} Default deadline: ${spec.timeoutSeconds} s.`, '', 'Request:', '', ...fieldTable(spec.request), ''];

  lines.push(`Example request (JSON before base64): \`${JSON.stringify(exampleRequest(spec))}\``, '');
  if (hasReplyFields) {
    lines.push('Success reply fields:', '', ...fieldTable(spec.reply), '');
    lines.push(`Success: \`${encodeSuccess(name, 1, reply).trim()}\` (the payload is \`${JSON.stringify(reply)}\`)`, '');
  } else {
    lines.push(`Success: \`${name} SUCCESS 1 -\` (no fields)`, '');
  }
  lines.push(`Failure: \`${name} FAILURE 1 <message for the user>\``, '');
  lines.push('Try it:', '', '```sh', tryItLine(name, spec), '```', '');
  lines.push(`Enabled by: \`"${name}"\` in the plugin's \`actions\`, and ${ENABLING[kind].setting}.`, '');
  return lines;
}

function renderFamily(kind: DriverKind): string[] {
  const family = DRIVER_FAMILIES[kind] as Record<string, ActionSpec>;
  const names = Object.keys(family);
  const lines = [`## The ${kind} family`, '', `Actions: ${names.map((name) => `\`${name}\``).join(', ')}.`, ''];

  lines.push(`A plugin of this family serves an object when ${ENABLING[kind].setting}:`, '', '```sh', ENABLING[kind].command, '```', '');
  for (const name of names) lines.push(...renderAction(kind, name, family[name] as ActionSpec));
  return lines;
}

/**
 * Renders the action reference of docs/driver-protocol.md from the protocol
 * declaration: one section per family and action, with the field tables, the
 * success and failure replies, a line to try it and the configuration that
 * enables it. A test fails when the doc and this output differ.
 */
export function renderProtocolReference(): string {
  const lines = [GENERATED_BEGIN, ''];
  for (const kind of DRIVER_KINDS) lines.push(...renderFamily(kind));
  lines.push(GENERATED_END);
  return `${lines.join('\n')}\n`;
}
