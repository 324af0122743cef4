import { InvalidArgumentError } from 'commander';
import { textAt, type XmlObject } from './documents.js';

const OCTAL_MODE = /^[0-7]{3}$/;

/** The bit of each right inside one octal digit, in the order chmod sends them. */
const RIGHT_BITS = [4, 2, 1];

/**
 * Converts an octal mode such as `640` into the nine 0/1 values of `*.chmod`: owner
 * use, manage, admin, then group, then other. In each digit use is 4, manage 2 and
 * admin 1, so `640` gives `1,1,0, 1,0,0, 0,0,0`. Throws commander's
 * InvalidArgumentError so the message reads as a usage error.
 */
export function parseOctalMode(text: string): number[] {
  if (!OCTAL_MODE.test(text)) {
    throw new InvalidArgumentError('expected three octal digits (owner, group, other) such as 640, where use=4, manage=2, admin=1.');
  }

  const values: number[] = [];
  for (const digit of text) {
    for (const bit of RIGHT_BITS) values.push((Number(digit) & bit) !== 0 ? 1 : 0);
  }
  return values;
}

/** Renders one class of PERMISSIONS (`OWNER`, `GROUP` or `OTHER`) as `uma`, with `-` for a missing right. */
export function formatRights(permissions: XmlObject, holder: 'OWNER' | 'GROUP' | 'OTHER'): string {
  const letters: Array<[string, string]> = [
    ['U', 'u'],
    ['M', 'm'],
    ['A', 'a'],
  ];
  return letters.map(([suffix, letter]) => (textAt(permissions, `${holder}_${suffix}`) === '1' ? letter : '-')).join('');
}

/** Renders PERMISSIONS as an octal mode such as `640`, the form chmod takes. */
export function formatOctalMode(permissions: XmlObject): string {
  return (['OWNER', 'GROUP', 'OTHER'] as const)
    .map((holder) => {
      const rights = formatRights(permissions, holder);
      return (rights[0] === 'u' ? 4 : 0) + (rights[1] === 'm' ? 2 : 0) + (rights[2] === 'a' ? 1 : 0);
    })
    .join('');
}
