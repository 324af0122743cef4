import { Errors } from '../errors/catalogue.js';

const MAX_NAME_LENGTH = 128;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const ACCOUNT_FORBIDDEN = /[\s:]/;

/** Checks an object name: 1 to 128 characters, no control characters. */
export function validateObjectName(objectName: string, name: string): void {
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
}

/** User and group names also exclude blanks and colons, which would break session strings. */
export function validateAccountName(objectName: string, name: string): void {
  validateObjectName(objectName, name);
  if (ACCOUNT_FORBIDDEN.test(name)) {
    throw Errors.badValue(
      `Invalid NAME "${name}" for the ${objectName}: it cannot contain blanks or ':'.`,
    );
  }
}
