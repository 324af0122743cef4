export { TemplateError, type SourcePosition } from './errors.js';
export { type AttributeEntry, type VectorEntries } from './entries.js';
export { quoteTextValue } from './render.js';
export { Template, VectorAttribute, type Attribute, type AttributeValue } from './template.js';
