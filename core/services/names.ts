import { Errors } from '../errors/catalogue.js';

const MAX_NAME_LENGTH = 128;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const ACCOUNT_FORBIDDEN = /[\s:]/;

/**
 * Characters OpenNebula 6.10 rejects in object names (`PoolObjectSQL::INVALID_NAME_CHARS`):
 * they would break its shell-driven drivers and its template syntax.
 */
const OBJECT_FORBIDDEN = /[&|:\\";/'#{}$<>]/;

/**
 * Returns why `name` cannot name a host, datastore, image, template, network or VM,
 * or undefined when it can: 1 to 128 characters, no control characters and none of
 * `& | : \ " ; / ' # { } $ < >`, as in OpenNebula 6.10.
 */
export function objectNameProblem(name: string): string | undefined {
  if (name.trim().length === 0) return 'it cannot be empty; give a name';
  if (name.length > MAX_NAME_LENGTH) {
    return `it has ${name.length} characters, more than the maximum of ${MAX_NAME_LENGTH}`;
  }
  if (CONTROL_CHARACTER.test(name)) return 'it cannot contain control characters such as tabs or newlines';

  const forbidden = OBJECT_FORBIDDEN.exec(name);
  if (forbidden) return `it cannot contain the character '${forbidden[0]}'`;
  return undefined;
}

/** Returns why a name is invalid for one kind of object, or undefined when it is valid. */
export type NameRule = (name: string) => string | undefined;

/** Checks the NAME of an object being created; an invalid name is an ALLOCATE error. */
export function checkNewObjectName(objectName: string, name: string, rule: NameRule = objectNameProblem): void {
  const problem = rule(name);
  if (problem !== undefined) throw Errors.allocate(objectName, `Invalid NAME ${JSON.stringify(name)}: ${problem}.`);
}

/** Checks the new name given to `one.<object>.rename`; an invalid name is an ACTION error. */
export function checkRenamedObjectName(objectName: string, name: string, id: number, rule: NameRule = objectNameProblem): void {
  const problem = rule(name);
  if (problem !== undefined) {
    throw Errors.action(`Cannot rename ${objectName} ${id} to ${JSON.stringify(name)}: ${problem}.`, id);
  }
}

/**
 * Checks a user or group name: 1 to 128 characters, no control characters, blanks or
 * ':', which would break session strings. The object-name characters such as '/' are
 * allowed, as OpenNebula allows them in user names.
 */
export function validateAccountName(objectName: string, name: string): void {
  if (name.trim().length === 0) {
    throw Errors.badValue(`Invalid NAME for the ${objectName}: it cannot be empty; give a name.`);
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw Errors.badValue(
      `Invalid NAME for the ${objectName}: ${name.length} characters exceed the maximum of ${MAX_NAME_LENGTH}.`,
    );
  }
  if (CONTROL_CHARACTER.test(name)) {
    throw Errors.badValue(`Invalid NAME for the ${objectName}: it cannot contain control characters.`);
  }
  if (ACCOUNT_FORBIDDEN.test(name)) {
    throw Errors.badValue(
      `Invalid NAME "${name}" for the ${objectName}: it cannot contain blanks or ':'.`,
    );
  }
}
