import { escapeXmlText } from '../xml/escape.js';

const documents = new WeakMap<object, Map<string, string>>();

/**
 * Renders `record` with `render`, or returns the text rendered before for the same
 * record object. Committed records are cached and frozen, so their documents can be
 * kept with them; a changed object is a new record and renders again.
 */
export function cachedDocument<R extends object>(record: R, kind: string, render: (record: R) => string): string {
  if (!Object.isFrozen(record)) return render(record);

  let byKind = documents.get(record);
  if (!byKind) {
    byKind = new Map();
    documents.set(record, byKind);
  }

  let text = byKind.get(kind);
  if (text === undefined) {
    text = render(record);
    byKind.set(kind, text);
  }
  return text;
}

/**
 * Returns the document of `record` as `cachedDocument` does, escaped with `escapeXmlText`
 * for embedding as text, such as a VM in the string of `one.vmpool.info`.
 * Escaping builds a new string, so the cached text is one flat string rather than the
 * tree of pieces that concatenation leaves, which takes several times the memory.
 */
export function cachedEscapedDocument<R extends object>(record: R, kind: string, render: (record: R) => string): string {
  return cachedDocument(record, `${kind}-escaped`, (value) => escapeXmlText(render(value)));
}
