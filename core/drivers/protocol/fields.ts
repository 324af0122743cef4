/** The JSON types a protocol field may have. */
export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'string[]' | 'object';

/** One field of a request or a reply, with what the documentation says about it. */
export interface FieldSpec {
  type: FieldType;
  /** Absent from the message when true; present otherwise. */
  optional?: boolean;
  description: string;
  example: unknown;
}

export type FieldSet = Readonly<Record<string, FieldSpec>>;

type ValueOf<T extends FieldType> = T extends 'string'
  ? string
  : T extends 'integer' | 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'string[]'
        ? string[]
        : Record<string, unknown>;

type RequiredKeys<F extends FieldSet> = { [K in keyof F]: F[K]['optional'] extends true ? never : K }[keyof F];
type OptionalKeys<F extends FieldSet> = Exclude<keyof F, RequiredKeys<F>>;

/** The TypeScript type of a message with the fields `F`. */
export type MessageOf<F extends FieldSet> = { [K in RequiredKeys<F>]: ValueOf<F[K]['type']> } & {
  [K in OptionalKeys<F>]?: ValueOf<F[K]['type']>;
};

function matches(type: FieldType, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

/**
 * Checks a decoded message against its fields. Returns the first problem as a
 * sentence naming the field, or undefined when the message is valid. Fields the
 * specification does not name are allowed, so that a newer peer may add some.
 */
export function checkMessage(fields: FieldSet, message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return 'the payload is not a JSON object';
  }

  const record = message as Record<string, unknown>;
  for (const [name, spec] of Object.entries(fields)) {
    const value = record[name];
    if (value === undefined) {
      if (spec.optional) continue;
      return `field "${name}" is missing`;
    }
    if (!matches(spec.type, value)) {
      return `field "${name}" must be ${spec.type}, got ${JSON.stringify(value)?.slice(0, 60)}`;
    }
  }
  return undefined;
}
