import { type AttributeEntry, entriesFromJson, nameProblem, valueProblem } from './entries.js';
import { TemplateError } from './errors.js';
import { parseTextEntries } from './parse-text.js';
import { parseXmlEntries } from './parse-xml.js';
import { renderText, renderXml } from './render.js';

/** Ordered sub-attributes of a vector attribute such as `DISK = [ IMAGE_ID = 3, TARGET = vda ]`. */
export class VectorAttribute {
  readonly #values = new Map<string, string>();

  /** Adds `entries` in order. A repeated name keeps its first position and its last value. */
  constructor(entries?: Iterable<[string, string]>) {
    if (entries) {
      for (const [name, value] of entries) {
        this.set(name, value);
      }
    }
  }

  get(name: string): string | undefined {
    const key = lookupKey(name);
    return key === undefined ? undefined : this.#values.get(key);
  }

  /**
   * Sets a sub-attribute. The name is upper-cased, and an existing name keeps its position.
   * Throws TemplateError for an invalid name or value.
   */
  set(name: string, value: string): void {
    const key = checkedName(name, 'sub-attribute');
    checkValue(value, key);
    this.#values.set(key, value);
  }

  /** Removes a sub-attribute and returns whether it existed. */
  remove(name: string): boolean {
    const key = lookupKey(name);
    return key === undefined ? false : this.#values.delete(key);
  }

  entries(): Array<[string, string]> {
    return Array.from(this.#values);
  }

  get size(): number {
    return this.#values.size;
  }

  clone(): VectorAttribute {
    return new VectorAttribute(this.#values);
  }

  /** Builds a vector from entries that were validated when they were stored, without checking them again. */
  static fromValidated(entries: Array<[string, string]>): VectorAttribute {
    const vector = new VectorAttribute();
    for (const [name, value] of entries) vector.#values.set(name, value);
    return vector;
  }
}

export type AttributeValue = string | VectorAttribute;

export interface Attribute {
  name: string;
  value: AttributeValue;
}

/**
 * OpenNebula template: an ordered list of attributes whose names may repeat (several `DISK`s).
 * Names are upper-cased. Every value is valid XML 1.0 text without "]]>", so each template
 * renders to text that parses back to an equal template. Its XML also parses back equal,
 * except that an empty vector reads back as an empty value.
 */
export class Template {
  #attributes: Attribute[] = [];

  /** Adds `attributes` in order. Throws TemplateError for an invalid name or value. */
  constructor(attributes: Attribute[] = []) {
    for (const { name, value } of attributes) {
      this.add(name, value);
    }
  }

  /** Parses the XML form when the first non-blank character is "<", and the text form otherwise. */
  static parse(source: string): Template {
    return startsWithElement(source) ? Template.parseXml(source) : Template.parseText(source);
  }

  /** Parses OpenNebula's `NAME = VALUE` syntax. Throws TemplateError with the line and column. */
  static parseText(text: string): Template {
    return Template.#fromEntries(parseTextEntries(text));
  }

  /** Parses `<ROOT><NAME>value</NAME>...</ROOT>`, whatever the root element is called. */
  static parseXml(xml: string): Template {
    return Template.#fromEntries(parseXmlEntries(xml));
  }

  /** Rebuilds a template from `toJSON` output. Throws TemplateError when `data` has another shape. */
  static fromJSON(data: unknown): Template {
    return Template.#fromEntries(entriesFromJson(data));
  }

  /**
   * Rebuilds a template from `toJSON` output that this program wrote to its own
   * database, without validating it again: listings decode thousands of templates,
   * and the checks dominated their cost. Use `fromJSON` for anything else.
   */
  static fromStoredJSON(entries: AttributeEntry[]): Template {
    const template = new Template();
    template.#attributes = entries.map(([name, value]) => ({
      name,
      value: typeof value === 'string' ? value : VectorAttribute.fromValidated(value),
    }));
    return template;
  }

  static #fromEntries(entries: AttributeEntry[]): Template {
    const template = new Template();

    for (const [name, value] of entries) {
      template.add(name, typeof value === 'string' ? value : new VectorAttribute(value));
    }

    return template;
  }

  /** Returns a copy of the attribute list. The vectors in it are the template's own. */
  attributes(): readonly Attribute[] {
    return this.#attributes.slice();
  }

  /** Returns the first single-valued attribute called `name`, skipping vectors. */
  get(name: string): string | undefined {
    const key = lookupKey(name);

    for (const attribute of this.#attributes) {
      if (attribute.name === key && typeof attribute.value === 'string') {
        return attribute.value;
      }
    }

    return undefined;
  }

  /** Returns the first vector called `name`. Changes to it change the template. */
  getVector(name: string): VectorAttribute | undefined {
    return this.getVectors(name)[0];
  }

  getVectors(name: string): VectorAttribute[] {
    const vectors: VectorAttribute[] = [];

    for (const value of this.getAll(name)) {
      if (value instanceof VectorAttribute) {
        vectors.push(value);
      }
    }

    return vectors;
  }

  getAll(name: string): AttributeValue[] {
    const key = lookupKey(name);
    return this.#attributes.filter((attribute) => attribute.name === key).map((attribute) => attribute.value);
  }

  has(name: string): boolean {
    const key = lookupKey(name);
    return this.#attributes.some((attribute) => attribute.name === key);
  }

  /**
   * Replaces every attribute called `name` by one attribute at the position of the first,
   * or appends it when there is none. The template keeps the given vector, not a copy.
   */
  set(name: string, value: AttributeValue): void {
    const attribute = makeAttribute(name, value);
    const replaced: Attribute[] = [];
    let placed = false;

    for (const existing of this.#attributes) {
      if (existing.name !== attribute.name) {
        replaced.push(existing);
      } else if (!placed) {
        replaced.push(attribute);
        placed = true;
      }
    }

    if (!placed) {
      replaced.push(attribute);
    }
    this.#attributes = replaced;
  }

  /** Appends an attribute, also when one of that name exists. The template keeps the given vector. */
  add(name: string, value: AttributeValue): void {
    this.#attributes.push(makeAttribute(name, value));
  }

  /** Removes every attribute called `name` and returns how many there were. */
  remove(name: string): number {
    const key = lookupKey(name);
    const before = this.#attributes.length;

    this.#attributes = this.#attributes.filter((attribute) => attribute.name !== key);

    return before - this.#attributes.length;
  }

  /**
   * Replaces, for each name in `other`, all attributes of that name here by copies of all of
   * `other`'s, as OpenNebula's update type 1 and instantiate's extra template do. The copies
   * take the position of the first attribute they replace. New names are appended in
   * `other`'s order.
   */
  merge(other: Template): void {
    const incoming = new Map<string, Attribute[]>();
    for (const attribute of other.#attributes) {
      const group = incoming.get(attribute.name) ?? [];
      group.push(copyAttribute(attribute));
      incoming.set(attribute.name, group);
    }

    const merged: Attribute[] = [];
    for (const existing of this.#attributes) {
      const replacements = incoming.get(existing.name);

      if (replacements === undefined) {
        merged.push(existing);
      } else if (replacements.length > 0) {
        merged.push(...replacements.splice(0));
      }
    }

    for (const remaining of incoming.values()) {
      merged.push(...remaining);
    }
    this.#attributes = merged;
  }

  /** Returns a deep copy, vectors included. */
  clone(): Template {
    const copy = new Template();
    copy.#attributes = this.#attributes.map(copyAttribute);
    return copy;
  }

  get isEmpty(): boolean {
    return this.#attributes.length === 0;
  }

  /** Renders OpenNebula text syntax with every value quoted. `parseText` reads it back unchanged. */
  toText(): string {
    return renderText(this.#attributes);
  }

  /** Renders `<root><NAME>value</NAME>...</root>`, or `<root/>` for an empty template. */
  toXml(root = 'TEMPLATE'): string {
    const problem = nameProblem(root);
    if (problem !== undefined) {
      throw new TemplateError(`root element name "${root}" ${problem}`);
    }

    return renderXml(this.#attributes, root);
  }

  /** Returns the compact storage form, e.g. `[["CPU","1"],["DISK",[["IMAGE_ID","3"]]]]`. */
  toJSON(): AttributeEntry[] {
    return this.#attributes.map(({ name, value }): AttributeEntry => {
      return [name, typeof value === 'string' ? value : value.entries()];
    });
  }
}

/** Returns the upper-cased `name`, or undefined when no attribute can have that name. */
function lookupKey(name: string): string | undefined {
  return nameProblem(name) === undefined ? name.toUpperCase() : undefined;
}

function checkedName(name: unknown, kind: string): string {
  if (typeof name !== 'string') {
    throw new TemplateError(`${kind} name must be a string, found ${typeof name}`);
  }

  const problem = nameProblem(name);
  if (problem !== undefined) {
    throw new TemplateError(`${kind} name "${name}" ${problem}`);
  }

  return name.toUpperCase();
}

function checkValue(value: unknown, name: string): void {
  if (typeof value !== 'string') {
    throw new TemplateError(`value of attribute "${name}" must be a string, found ${typeof value}`);
  }

  const problem = valueProblem(value);
  if (problem !== undefined) {
    throw new TemplateError(`value of attribute "${name}" ${problem}`);
  }
}

function makeAttribute(name: string, value: AttributeValue): Attribute {
  const key = checkedName(name, 'attribute');

  if (!(value instanceof VectorAttribute)) {
    checkValue(value, key);
  }

  return Object.freeze({ name: key, value });
}

function copyAttribute(attribute: Attribute): Attribute {
  const { name, value } = attribute;
  return Object.freeze({ name, value: typeof value === 'string' ? value : value.clone() });
}

function startsWithElement(source: string): boolean {
  for (let index = 0; index < source.length; index++) {
    const code = source.charCodeAt(index);

    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0xfeff) {
      return code === 0x3c;
    }
  }

  return false;
}
