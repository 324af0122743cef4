import { ConfigError } from './config-error.js';

/**
 * Reads the settings of one section of the configuration file. Each method returns
 * `current` when the setting is absent and throws ConfigError when its value is invalid.
 */
export type Reader = {
  int(name: string, current: number, min?: number, max?: number): number;
  octal(name: string, current: number): number;
  choice<T extends string>(name: string, current: T, allowed: readonly T[]): T;
  text(name: string, current: string): string;
  /** Reads YES or NO, in any case, as OpenNebula's configuration files write booleans. */
  flag(name: string, current: boolean): boolean;
  /** Reads a list separated by commas or line breaks; blank items are dropped. */
  list(name: string, current: readonly string[]): string[];
  /** Builds the error for an invalid value of `name`; `fix` describes the values accepted. */
  invalid(name: string, raw: string, fix: string): ConfigError;
};

export function makeReader(file: string, section: string, lookup: (name: string) => string | undefined): Reader {
  const label = (name: string) => (section ? `${section}/${name}` : name);
  const invalid = (name: string, raw: string, fix: string) => new ConfigError(`${file}: ${label(name)} ${fix}, got "${raw}"`);

  return {
    int(name, current, min = 0, max = Number.MAX_SAFE_INTEGER) {
      const raw = lookup(name);
      if (raw === undefined) return current;
      const value = Number(raw);
      if (!/^-?\d+$/.test(raw.trim()) || value < min || value > max) {
        const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
        throw new ConfigError(`${file}: ${label(name)} must be an integer ${range}, got "${raw}"`);
      }
      return value;
    },
    octal(name, current) {
      const raw = lookup(name);
      if (raw === undefined) return current;
      if (!/^[0-7]{1,3}$/.test(raw.trim())) {
        throw new ConfigError(`${file}: ${label(name)} must be an octal mask such as 177, got "${raw}"`);
      }
      return parseInt(raw, 8);
    },
    choice(name, current, allowed) {
      const raw = lookup(name);
      if (raw === undefined) return current;
      const value = raw.trim().toUpperCase();
      const match = allowed.find((option) => option.toUpperCase() === value);
      if (!match) {
        throw new ConfigError(`${file}: ${label(name)} must be one of ${allowed.join(', ')}, got "${raw}"`);
      }
      return match;
    },
    text(name, current) {
      return lookup(name) ?? current;
    },
    flag(name, current) {
      const raw = lookup(name);
      if (raw === undefined) return current;
      const value = raw.trim().toUpperCase();
      if (value !== 'YES' && value !== 'NO') throw invalid(name, raw, 'must be YES or NO');
      return value === 'YES';
    },
    list(name, current) {
      const raw = lookup(name);
      if (raw === undefined) return [...current];
      return raw
        .split(/[,\n]/)
        .map((item) => item.trim())
        .filter((item) => item !== '');
    },
    invalid,
  };
}
