const NEEDS_ESCAPE = /[&<>]/;

// C0 controls other than tab, line feed and carriage return, and U+FFFE and U+FFFF,
// which XML 1.0 does not allow.
const FORBIDDEN_XML_CHARACTER = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/;
const FORBIDDEN_XML_CHARACTERS = new RegExp(FORBIDDEN_XML_CHARACTER.source, 'g');

/** Above this length, escaping works on UTF-8 bytes, which is several times faster. */
const BYTE_PATH_THRESHOLD = 16 * 1024;

const AMP = 0x26;
const LT = 0x3c;
const GT = 0x3e;

/**
 * Escapes text for use as XML element content: `&`, `<` and `>`. Quotes need no
 * escaping there. Large texts (whole pool documents embedded in an XML-RPC string)
 * are escaped byte by byte, because many regular-expression replacements on a
 * string of megabytes take hundreds of milliseconds in V8.
 */
export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  if (text.length < BYTE_PATH_THRESHOLD) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }
  return escapeBytes(Buffer.from(text, 'utf8')).toString('utf8');
}

/**
 * Escapes text for element content of a document sent to clients, such as an XML-RPC
 * string. Carriage returns become character references, because conforming XML parsers
 * turn a literal CR or CR LF into LF.
 * Throws TypeError for a character that XML 1.0 does not allow, because conforming parsers
 * reject a document that contains one. Unpaired surrogates are not checked, because UTF-8
 * encoding replaces them with U+FFFD.
 */
export function escapeXmlText(text: string): string {
  const forbidden = FORBIDDEN_XML_CHARACTER.exec(text);
  if (forbidden !== null) {
    const codePoint = forbidden[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new TypeError(`cannot serialize a string containing U+${codePoint}, which XML 1.0 does not allow`);
  }

  const escaped = escapeXml(text);
  return escaped.includes('\r') ? escaped.replaceAll('\r', '&#13;') : escaped;
}

/** Replaces each character that XML 1.0 does not allow with U+FFFD. */
export function replaceForbiddenXmlCharacters(text: string): string {
  return text.replace(FORBIDDEN_XML_CHARACTERS, '\ufffd');
}

function escapeBytes(source: Buffer): Buffer {
  let extra = 0;
  for (let i = 0; i < source.length; i++) {
    const byte = source[i];
    if (byte === LT || byte === GT) extra += 3;
    else if (byte === AMP) extra += 4;
  }

  const output = Buffer.allocUnsafe(source.length + extra);
  let at = 0;
  for (let i = 0; i < source.length; i++) {
    const byte = source[i];
    if (byte === LT || byte === GT || byte === AMP) {
      at = writeEntity(output, at, byte);
    } else {
      output[at++] = byte;
    }
  }
  return output;
}

/** Writes `&lt;`, `&gt;` or `&amp;` at `at` and returns the position after it. */
function writeEntity(output: Buffer, at: number, byte: number): number {
  output[at++] = AMP;
  if (byte === AMP) {
    output[at++] = 0x61; // a
    output[at++] = 0x6d; // m
    output[at++] = 0x70; // p
  } else {
    output[at++] = byte === LT ? 0x6c : 0x67; // l or g
    output[at++] = 0x74; // t
  }
  output[at++] = 0x3b; // ;
  return at;
}
