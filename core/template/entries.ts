import { TemplateError } from './errors.js';

/** Sub-attributes of a vector as [name, value] pairs, in order. */
export type VectorEntries = Array<[string, string]>;

/**
 * One attribute as a [name, value] pair, where a vector's value is its sub-attribute pairs.
 * The parsers produce this form and the database stores it as JSON.
 */
export type AttributeEntry = [string, string | VectorEntries];

const NAME_PATTERN = /^[A-Za-z0-9_]+$/;

/**
 * Returns why `name` cannot be an attribute name, or undefined when it can. Names use
 * letters, digits and "_" as in OpenNebula, and must not start with a digit because each
 * name becomes an XML element name.
 */
export function nameProblem(name: string): string | undefined {
  if (!NAME_PATTERN.test(name)) {
    return 'is invalid: use only letters, digits and "_"';
  }

  const first = name.charCodeAt(0);
  if (first >= 0x30 && first <= 0x39) {
    return 'starts with a digit, which XML element names do not allow';
  }

  return undefined;
}

/**
 * Returns why `value` cannot be an attribute value, or undefined when it can. Values are
 * re-emitted inside XML documents, so every character must be allowed by XML 1.0.
 * OpenNebula 6.10's text parser rejects "]]>". Rejecting it in every form keeps each
 * template renderable as text that parses back.
 */
export function valueProblem(value: string): string | undefined {
  const invalidIndex = findInvalidXmlCharacter(value);
  if (invalidIndex >= 0) {
    return `contains the character ${describeCodeUnit(value, invalidIndex)}, which XML 1.0 does not allow`;
  }

  if (value.includes(']]>')) {
    return 'contains "]]>", which template values must not contain';
  }

  return undefined;
}

/**
 * Returns the index of the first UTF-16 code unit of `text` outside the XML 1.0 Char
 * production (tab, line feed, carriage return, U+0020–U+D7FF, U+E000–U+FFFD and
 * U+10000–U+10FFFF as surrogate pairs), or -1 when every character is allowed.
 */
export function findInvalidXmlCharacter(text: string): number {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);

    if ((code >= 0x20 && code < 0xd800) || code === 0x09 || code === 0x0a || code === 0x0d) {
      continue;
    }
    if (code >= 0xe000 && code <= 0xfffd) {
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        index++;
        continue;
      }
    }

    return index;
  }

  return -1;
}

function describeCodeUnit(text: string, index: number): string {
  return 'U+' + text.charCodeAt(index).toString(16).toUpperCase().padStart(4, '0');
}

/**
 * Checks that `data` has the shape that `Template.toJSON` produces and returns a copy of it.
 * Names and values are checked later, when the attributes are added to a template.
 */
export function entriesFromJson(data: unknown): AttributeEntry[] {
  if (!Array.isArray(data)) {
    throw invalidData('', 'expected an array of [name, value] pairs', data);
  }

  // Index loops, unlike map, also visit the holes of a sparse array.
  const entries: AttributeEntry[] = [];
  for (let index = 0; index < data.length; index++) {
    entries.push(entryFromJson(data[index], index));
  }

  return entries;
}

function entryFromJson(item: unknown, index: number): AttributeEntry {
  if (!isPair(item) || typeof item[0] !== 'string') {
    throw invalidData(`[${index}]`, 'expected a [name, value] pair with a string name', item);
  }

  const [name, value] = item;
  if (typeof value === 'string') {
    return [name, value];
  }
  if (Array.isArray(value)) {
    return [name, vectorEntriesFromJson(value, `[${index}][1]`)];
  }

  throw invalidData(`[${index}][1]`, 'expected a string or an array of sub-attribute pairs', value);
}

function vectorEntriesFromJson(data: unknown[], path: string): VectorEntries {
  const entries: VectorEntries = [];
  const seen = new Set<string>();

  for (let index = 0; index < data.length; index++) {
    const item: unknown = data[index];
    if (!isPair(item) || typeof item[0] !== 'string' || typeof item[1] !== 'string') {
      throw invalidData(`${path}[${index}]`, 'expected a [name, value] pair of strings', item);
    }

    const upperName = item[0].toUpperCase();
    if (seen.has(upperName)) {
      throw invalidData(`${path}[${index}]`, `duplicate sub-attribute "${item[0]}"`);
    }
    seen.add(upperName);

    entries.push([item[0], item[1]]);
  }

  return entries;
}

function isPair(item: unknown): item is [unknown, unknown] {
  return Array.isArray(item) && item.length === 2;
}

/** Builds the error for bad `fromJSON` data at `path`, describing `found` when it is given. */
function invalidData(path: string, problem: string, ...found: [unknown?]): TemplateError {
  const where = path === '' ? '' : ` at ${path}`;
  const foundText = found.length === 0 ? '' : `, found ${describeJson(found[0])}`;
  return new TemplateError(`invalid template data${where}: ${problem}${foundText}`);
}

function describeJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) {
    return typeof value;
  }

  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}
