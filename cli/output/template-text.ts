import { Template, TemplateError, VectorAttribute } from '../../core/template/index.js';
import type { XmlObject, XmlValue } from '../documents.js';

function vectorOf(object: XmlObject): VectorAttribute {
  const entries: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(object)) {
    entries.push([name, typeof value === 'string' ? value : JSON.stringify(value)]);
  }
  return new VectorAttribute(entries);
}

function addAttribute(template: Template, name: string, value: XmlValue): void {
  if (Array.isArray(value)) {
    for (const item of value) addAttribute(template, name, item);
    return;
  }
  template.add(name, typeof value === 'string' ? value : vectorOf(value));
}

/**
 * Renders a parsed TEMPLATE element in OpenNebula's text syntax (`NAME="value"`,
 * vectors in brackets), the form `create` and `update` read back. Returns undefined when
 * an attribute cannot be expressed in that syntax, so the caller can fall back.
 */
export function templateText(object: XmlObject): string | undefined {
  const template = new Template();
  try {
    for (const [name, value] of Object.entries(object)) addAttribute(template, name, value);
  } catch (error) {
    if (error instanceof TemplateError) return undefined;
    throw error;
  }
  return template.toText();
}
