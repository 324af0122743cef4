const XML_SPECIAL = /[&<>"']/g;

const ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes text for use as XML element content or an attribute value. */
export function escapeXml(text: string): string {
  return text.replace(XML_SPECIAL, (char) => ENTITY[char]);
}
