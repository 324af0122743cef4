import sax from 'sax';

import { type AttributeEntry, type VectorEntries, nameProblem, valueProblem } from './entries.js';
import { TemplateError } from './errors.js';

/** An attribute element (depth 1) while its content is read. */
interface OpenAttribute {
  name: string;
  text: string;
  /** Sub-attributes, present once the element has a child element. */
  subEntries: VectorEntries | undefined;
  subNames: Set<string>;
}

/** A sub-attribute element (depth 2) while its text is read. */
interface OpenSubAttribute {
  name: string;
  text: string;
}

/**
 * Parses the XML form of a template, `<ROOT><NAME>value</NAME><VEC><K>v</K></VEC></ROOT>`.
 * The root element's name is free. Names are upper-cased, element attributes are ignored,
 * CDATA sections count as text and whitespace between elements is skipped. Rejects DOCTYPE
 * declarations, elements nested below sub-attributes, and text mixed with elements.
 * Throws TemplateError with the line and column where sax was when it found the problem,
 * which for text is the end of that text.
 */
export function parseXmlEntries(xml: string): AttributeEntry[] {
  // With strictEntities, sax expands only XML's five predefined entities. Without it, sax also
  // expands HTML entities such as &nbsp;. @types/sax 1.2.7 does not declare the option.
  const options: sax.SAXOptions & { strictEntities: boolean } = { position: true, strictEntities: true };
  const parser = sax.parser(true, options);
  const builder = new XmlTemplateBuilder(parser);

  parser.onerror = (error) => {
    const reason = error.message.split('\n', 1)[0].replace(/\.$/, '');
    builder.fail(`invalid XML: ${reason}`);
  };
  parser.ondoctype = () => builder.fail('DOCTYPE declarations are not allowed in templates');
  parser.onopentag = (tag) => builder.openElement(tag.name);
  parser.onclosetag = () => builder.closeElement();
  parser.ontext = (text) => builder.addText(text);
  parser.oncdata = (text) => builder.addText(text);

  parser.write(xml).close();

  return builder.finish();
}

class XmlTemplateBuilder {
  readonly #parser: sax.SAXParser;
  readonly #entries: AttributeEntry[] = [];
  /** Names of the open elements, root first, as written in the document. */
  readonly #path: string[] = [];
  #rootName: string | undefined;
  #attribute: OpenAttribute | undefined;
  #subAttribute: OpenSubAttribute | undefined;

  constructor(parser: sax.SAXParser) {
    this.#parser = parser;
  }

  openElement(name: string): void {
    const depth = this.#path.length;

    if (depth === 0) {
      this.#openRoot(name);
    } else if (depth === 1) {
      const upperName = this.#checkedName(name, 'attribute');
      this.#attribute = { name: upperName, text: '', subEntries: undefined, subNames: new Set() };
    } else if (depth === 2) {
      this.#openSubAttribute(name);
    } else {
      const path = [...this.#path, name].join('/');
      this.fail(`element ${path} is nested too deeply: a template contains only attributes and vectors of sub-attributes`);
    }

    this.#path.push(name);
  }

  closeElement(): void {
    const depth = this.#path.length;

    if (depth === 3 && this.#attribute && this.#subAttribute) {
      const { name, text } = this.#subAttribute;
      this.#checkValue(text, `${this.#attribute.name}/${name}`);
      this.#attribute.subEntries?.push([name, text]);
      this.#subAttribute = undefined;
    } else if (depth === 2 && this.#attribute) {
      this.#entries.push(this.#finishAttribute(this.#attribute));
      this.#attribute = undefined;
    }

    this.#path.pop();
  }

  addText(text: string): void {
    const depth = this.#path.length;

    if (depth === 3 && this.#subAttribute) {
      this.#subAttribute.text += text;
      return;
    }
    if (isXmlWhitespace(text)) {
      if (depth === 2 && this.#attribute) {
        this.#attribute.text += text;
      }
      return;
    }

    if (depth === 1) {
      this.fail(`text ${quoteSnippet(text)} in <${this.#path[0]}> is outside any attribute element`);
    }
    if (depth === 2 && this.#attribute) {
      this.#failIfMixed(this.#attribute.subEntries !== undefined);
      this.#attribute.text += text;
    }
  }

  finish(): AttributeEntry[] {
    if (this.#rootName === undefined) {
      throw new TemplateError('invalid XML: the document has no root element');
    }

    return this.#entries;
  }

  /** Throws a TemplateError at the parser's current line and column. */
  fail(message: string): never {
    throw new TemplateError(message, { line: this.#parser.line + 1, column: this.#parser.column });
  }

  #openRoot(name: string): void {
    if (this.#rootName !== undefined) {
      this.fail(`invalid XML: element <${name}> follows the root element <${this.#rootName}>`);
    }

    this.#rootName = name;
  }

  #openSubAttribute(name: string): void {
    const attribute = this.#attribute;
    if (attribute === undefined) {
      return;
    }

    this.#failIfMixed(!isXmlWhitespace(attribute.text));

    const upperName = this.#checkedName(name, 'sub-attribute');
    if (attribute.subNames.has(upperName)) {
      this.fail(`duplicate sub-attribute "${name}" in vector "${attribute.name}"`);
    }
    attribute.subNames.add(upperName);
    attribute.subEntries ??= [];

    this.#subAttribute = { name: upperName, text: '' };
  }

  #finishAttribute(attribute: OpenAttribute): AttributeEntry {
    if (attribute.subEntries !== undefined) {
      return [attribute.name, attribute.subEntries];
    }

    this.#checkValue(attribute.text, attribute.name);
    return [attribute.name, attribute.text];
  }

  #failIfMixed(mixed: boolean): void {
    if (mixed) {
      const path = this.#path.join('/');
      this.fail(`element ${path} mixes text with child elements: use either a value or sub-attributes`);
    }
  }

  #checkedName(name: string, kind: string): string {
    const problem = nameProblem(name);
    if (problem !== undefined) {
      this.fail(`${kind} element name "${name}" ${problem}`);
    }

    return name.toUpperCase();
  }

  #checkValue(value: string, label: string): void {
    const problem = valueProblem(value);
    if (problem !== undefined) {
      this.fail(`value of attribute "${label}" ${problem}`);
    }
  }
}

function isXmlWhitespace(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) {
      return false;
    }
  }

  return true;
}

function quoteSnippet(text: string): string {
  const trimmed = text.trim();
  return JSON.stringify(trimmed.length > 40 ? trimmed.slice(0, 37) + '...' : trimmed);
}
