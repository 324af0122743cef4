import Table from 'cli-table3';
import type { XmlObject } from '../documents.js';

/** Values besides the object itself that a column may need. */
export interface RowContext {
  /** Milliseconds since the epoch. */
  now: number;
}

/** One column of a listing. */
export interface Column {
  header: string;
  value(entry: XmlObject, context: RowContext): string;
  /** Numbers read better right-aligned. */
  align?: 'left' | 'right';
}

/** Column separators only: no box, no colours, so the output pipes cleanly into other tools. */
const PLAIN_CHARS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: ' ',
};

/** Renders entries as a table with a header row; trailing spaces are removed from each line. */
export function renderTable(columns: readonly Column[], entries: readonly XmlObject[], context: RowContext): string {
  const table = new Table({
    head: columns.map((column) => column.header),
    chars: PLAIN_CHARS,
    colAligns: columns.map((column) => column.align ?? 'left'),
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });

  for (const entry of entries) {
    table.push(columns.map((column) => column.value(entry, context)));
  }

  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}
