/**
 * Object permissions: USE, MANAGE and ADMIN bits for the owner, the owner's group and everyone
 * else, as in the PERMISSIONS element of OpenNebula 6.10 documents.
 */

export interface PermissionBits {
  ownerU: boolean;
  ownerM: boolean;
  ownerA: boolean;
  groupU: boolean;
  groupM: boolean;
  groupA: boolean;
  otherU: boolean;
  otherM: boolean;
  otherA: boolean;
}

/** OpenNebula's DEFAULT_UMASK, applied when a user template sets no UMASK. */
export const DEFAULT_UMASK = 0o177;

/** Permissions before the umask for objects of ordinary users. */
export const DEFAULT_BASE_PERMISSIONS = 0o666;

/** Permissions before the umask for objects owned by uid 0 or group 0. */
export const ADMIN_BASE_PERMISSIONS = 0o777;

const MAX_MODE = 0o777;

/**
 * The nine bits in the order of the PERMISSIONS element and of the chmod parameters, with their
 * value in the octal mode (owner digit first, u=4, m=2, a=1).
 */
const PERMISSION_FIELDS: ReadonlyArray<{ key: keyof PermissionBits; xmlName: string; modeBit: number }> = [
  { key: 'ownerU', xmlName: 'OWNER_U', modeBit: 0o400 },
  { key: 'ownerM', xmlName: 'OWNER_M', modeBit: 0o200 },
  { key: 'ownerA', xmlName: 'OWNER_A', modeBit: 0o100 },
  { key: 'groupU', xmlName: 'GROUP_U', modeBit: 0o040 },
  { key: 'groupM', xmlName: 'GROUP_M', modeBit: 0o020 },
  { key: 'groupA', xmlName: 'GROUP_A', modeBit: 0o010 },
  { key: 'otherU', xmlName: 'OTHER_U', modeBit: 0o004 },
  { key: 'otherM', xmlName: 'OTHER_M', modeBit: 0o002 },
  { key: 'otherA', xmlName: 'OTHER_A', modeBit: 0o001 },
];

const OCTAL_TEXT = /^0?[0-7]{3}$/;

const UMASK_TEXT = /^[0-7]{1,4}$/;

/** Immutable owner, group and other permissions of one object. */
export class Permissions implements PermissionBits {
  readonly ownerU: boolean;
  readonly ownerM: boolean;
  readonly ownerA: boolean;
  readonly groupU: boolean;
  readonly groupM: boolean;
  readonly groupA: boolean;
  readonly otherU: boolean;
  readonly otherM: boolean;
  readonly otherA: boolean;

  constructor(bits: PermissionBits) {
    this.ownerU = bits.ownerU;
    this.ownerM = bits.ownerM;
    this.ownerA = bits.ownerA;
    this.groupU = bits.groupU;
    this.groupM = bits.groupM;
    this.groupA = bits.groupA;
    this.otherU = bits.otherU;
    this.otherM = bits.otherM;
    this.otherA = bits.otherA;
  }

  /**
   * Parses the CLI's octal form, e.g. '640', where each digit adds u=4, m=2 and a=1. A number is
   * read as the mode value itself, as in Node's fs.chmod: pass 0o640, not 640.
   */
  static fromOctal(octal: string | number): Permissions {
    if (typeof octal === 'number') {
      return Permissions.fromBits(octal);
    }

    if (!OCTAL_TEXT.test(octal)) {
      throw new RangeError(
        `Invalid permissions '${octal}': expected three octal digits such as 640, ` +
          'where each digit adds u=4, m=2 and a=1 for owner, group and other.',
      );
    }
    return Permissions.fromBits(Number.parseInt(octal, 8));
  }

  /** Builds permissions from the 9-bit mode that toBits returns. */
  static fromBits(mode: number): Permissions {
    if (!Number.isInteger(mode) || mode < 0 || mode > MAX_MODE) {
      throw new RangeError(`Invalid permission mode ${mode}: use an integer from 0 to 0o777 (511).`);
    }

    const bits = {} as PermissionBits;
    for (const field of PERMISSION_FIELDS) {
      bits[field.key] = (mode & field.modeBit) !== 0;
    }
    return new Permissions(bits);
  }

  /**
   * Computes the permissions of a new object: `base & ~umask`. OpenNebula starts from 0o666
   * (0o777 when the owner is uid 0 or in group 0). With the default umask 0o177 both give 600.
   * A string umask is read as octal digits, as in the UMASK attribute of a user template.
   */
  static fromUmask(umask: number | string = DEFAULT_UMASK, base = DEFAULT_BASE_PERMISSIONS): Permissions {
    const umaskValue = typeof umask === 'string' ? parseUmaskText(umask) : umask;

    if (!Number.isInteger(umaskValue) || umaskValue < 0 || umaskValue > MAX_MODE) {
      throw new RangeError(`Invalid umask ${umask}: use an integer from 0 to 0o777, such as 0o177.`);
    }
    return Permissions.fromBits(Permissions.fromBits(base).toBits() & ~umaskValue);
  }

  /**
   * Applies the nine chmod parameters in XML-RPC order (uu um ua gu gm ga ou om oa): -1 keeps a
   * bit, 0 clears it and 1 sets it. Throws RangeError naming the first invalid position.
   */
  applyChmod(values: readonly number[]): Permissions {
    if (values.length !== PERMISSION_FIELDS.length) {
      throw new RangeError(
        `Invalid chmod request: expected 9 values (OWNER_U to OTHER_A), got ${values.length}.`,
      );
    }

    const bits = this.toBitsObject();
    PERMISSION_FIELDS.forEach((field, index) => {
      const value = values[index];
      if (value === 0 || value === 1) {
        bits[field.key] = value === 1;
      } else if (value !== -1) {
        throw new RangeError(
          `Invalid chmod value ${value} for ${field.xmlName} (position ${index + 1} of 9): ` +
            'use -1 to keep the bit, 0 to clear it or 1 to set it.',
        );
      }
    });
    return new Permissions(bits);
  }

  /** Returns the 9-bit mode, e.g. 0o640, for compact storage. */
  toBits(): number {
    let mode = 0;
    for (const field of PERMISSION_FIELDS) {
      if (this[field.key]) {
        mode |= field.modeBit;
      }
    }
    return mode;
  }

  /** Returns the three-digit octal form, e.g. '640'. */
  toOctal(): string {
    return this.toBits().toString(8).padStart(3, '0');
  }

  /** Renders the PERMISSIONS element of OpenNebula documents. */
  toXml(): string {
    const children = PERMISSION_FIELDS.map((field) => {
      const digit = this[field.key] ? 1 : 0;
      return `<${field.xmlName}>${digit}</${field.xmlName}>`;
    });
    return `<PERMISSIONS>${children.join('')}</PERMISSIONS>`;
  }

  /** Returns the nine bits as a plain object. */
  toBitsObject(): PermissionBits {
    const bits = {} as PermissionBits;
    for (const field of PERMISSION_FIELDS) {
      bits[field.key] = this[field.key];
    }
    return bits;
  }

  equals(other: Permissions): boolean {
    return this.toBits() === other.toBits();
  }

  /** Renders the CLI's `um-` triples for owner, group and other, e.g. 'um- u-- ---'. */
  toString(): string {
    const letters = ['u', 'm', 'a'];
    const triples: string[] = [];
    for (let start = 0; start < PERMISSION_FIELDS.length; start += 3) {
      const triple = PERMISSION_FIELDS.slice(start, start + 3)
        .map((field, index) => (this[field.key] ? letters[index] : '-'))
        .join('');
      triples.push(triple);
    }
    return triples.join(' ');
  }
}

function parseUmaskText(text: string): number {
  if (!UMASK_TEXT.test(text)) {
    return Number.NaN;
  }
  return Number.parseInt(text, 8);
}
