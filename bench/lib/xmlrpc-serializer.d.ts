/** The `xmlrpc` package's serializer, which its type package does not describe. */
declare module 'xmlrpc/lib/serializer.js' {
  const Serializer: {
    serializeMethodCall(method: string, params: unknown[], encoding?: string): string;
  };
  export default Serializer;
}
