/**
 * Element content already escaped with `escapeXmlText`, held as parts, so that a large
 * document such as a pool listing of thousands of objects is sent without joining it
 * into one string. The XML-RPC serializer writes the parts as one `<string>` value.
 */
export class EscapedXmlText {
  constructor(readonly parts: readonly string[]) {}
}
