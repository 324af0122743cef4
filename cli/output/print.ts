import type { Command } from 'commander';
import type { CliContext, OutputFormat } from '../context.js';
import { hidePasswords, parsePool, parseRoot, type XmlObject } from '../documents.js';
import type { ObjectType } from '../object-types.js';
import { formatJson } from './json.js';
import { renderShow, type ShowView } from './show.js';
import { type Column, renderTable } from './table.js';

/** Prints a pool document as a table, as a JSON array of its entries, or as the XML itself. */
export function printPool(ctx: CliContext, format: OutputFormat, type: ObjectType, columns: readonly Column[], xml: string): void {
  const document = hidePasswords(xml);

  if (format === 'xml') {
    ctx.print(document);
    return;
  }

  const entries = parsePool(document, type.poolRoot, type.element);
  if (format === 'json') {
    ctx.io.stdout(formatJson(entries));
    return;
  }
  ctx.print(renderTable(columns, entries, { now: ctx.io.now() }));
}

/** Prints one object's document as a key/value view, as a JSON object, or as the XML itself. */
export function printDocument(
  ctx: CliContext,
  format: OutputFormat,
  type: ObjectType,
  xml: string,
  view: (object: XmlObject) => ShowView,
): void {
  const document = hidePasswords(xml);

  if (format === 'xml') {
    ctx.print(document);
    return;
  }

  const object = parseRoot(document, type.element);
  if (format === 'json') {
    ctx.io.stdout(formatJson(object));
    return;
  }
  ctx.print(renderShow(object, view(object)));
}

/**
 * Prints the id a create, clone or instantiate call returned: `ID: 7` (or `VM ID: 7`
 * with that label), or `{"id": 7}` with --json.
 */
export function printId(ctx: CliContext, command: Command, id: number, label = 'ID'): void {
  if (ctx.format(command) === 'json') {
    ctx.io.stdout(formatJson({ id }));
    return;
  }
  ctx.print(`${label}: ${id}`);
}
