/** Formats a value as indented JSON with a final newline, the `--json` output of every command. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
