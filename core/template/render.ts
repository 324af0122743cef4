import { escapeXml } from '../xml/escape.js';
import type { Attribute } from './template.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Renders attributes in OpenNebula text syntax, one per line, every value quoted:
 *
 *     CPU="1"
 *     DISK=[
 *       IMAGE_ID="3",
 *       TARGET="vda" ]
 */
export function renderText(attributes: readonly Attribute[]): string {
  let text = '';

  for (const { name, value } of attributes) {
    if (typeof value === 'string') {
      text += `${name}=${quoteTextValue(value)}\n`;
      continue;
    }

    const lines = value.entries().map(([subName, subValue]) => `  ${subName}=${quoteTextValue(subValue)}`);
    text += lines.length === 0 ? `${name}=[ ]\n` : `${name}=[\n${lines.join(',\n')} ]\n`;
  }

  return text;
}

/**
 * Quotes a value for the text syntax. Every `"` becomes `\"`. A backslash is doubled only
 * where the parser would otherwise read it as an escape: before `"` or `\`, or as the last
 * character. Other backslashes, such as in `C:\dir`, stay single.
 *
 * NOTE: OpenNebula 6.10 unescapes only `\"`, so it reads a doubled backslash as two. Values
 * without a backslash before `"`, `\` or the end read the same in both parsers.
 */
export function quoteTextValue(value: string): string {
  let quoted = '"';
  let sliceStart = 0;

  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);

    if (code === QUOTE) {
      quoted += value.slice(sliceStart, index) + '\\"';
      sliceStart = index + 1;
    } else if (code === BACKSLASH && isEscapeAmbiguous(value, index)) {
      quoted += value.slice(sliceStart, index) + '\\\\';
      sliceStart = index + 1;
    }
  }

  return quoted + value.slice(sliceStart) + '"';
}

function isEscapeAmbiguous(value: string, backslashIndex: number): boolean {
  const next = value.charCodeAt(backslashIndex + 1);
  return Number.isNaN(next) || next === QUOTE || next === BACKSLASH;
}

/**
 * Renders attributes as `<root><NAME>value</NAME>...</root>`, with vectors as nested
 * elements and `<root/>` when there are none. Text is XML-escaped, without CDATA sections.
 *
 * NOTE: An empty vector renders as `<NAME/>`, the same as an empty value, so it parses back
 * as "". OpenNebula's XML form has no way to tell them apart either.
 */
export function renderXml(attributes: readonly Attribute[], root: string): string {
  if (attributes.length === 0) {
    return `<${root}/>`;
  }

  let xml = `<${root}>`;

  for (const { name, value } of attributes) {
    if (typeof value === 'string') {
      xml += `<${name}>${escapeText(value)}</${name}>`;
      continue;
    }

    const entries = value.entries();
    if (entries.length === 0) {
      xml += `<${name}/>`;
      continue;
    }

    xml += `<${name}>`;
    for (const [subName, subValue] of entries) {
      xml += `<${subName}>${escapeText(subValue)}</${subName}>`;
    }
    xml += `</${name}>`;
  }

  return xml + `</${root}>`;
}

/** Escapes element text. Carriage returns become `&#13;` because XML parsers turn a literal one into a line feed. */
function escapeText(text: string): string {
  const escaped = escapeXml(text);
  return escaped.includes('\r') ? escaped.replaceAll('\r', '&#13;') : escaped;
}
