/**
 * Compiles a shell wildcard pattern to a RegExp that matches what OpenNebula's
 * requirement expressions match, since they call `fnmatch(pattern, value, 0)`
 * (`expr_bool.y`). With no flags, `*` matches any run of characters, '/' and a leading
 * '.' included, and `?` matches one character. `[...]` is a bracket expression, which
 * `[!...]` or `[^...]` negates and which accepts `[:alpha:]` and the other POSIX classes.
 * A backslash makes the next character literal. Matching is case-sensitive.
 */
export function compileWildcard(pattern: string): RegExp {
  let source = '';
  let index = 0;

  while (index < pattern.length) {
    const character = pattern[index];

    if (character === '*') {
      source += '[\\s\\S]*';
      index++;
    } else if (character === '?') {
      source += '[\\s\\S]';
      index++;
    } else if (character === '[') {
      const bracket = readBracket(pattern, index);
      source += bracket ? bracket.source : '\\[';
      index = bracket ? bracket.end : index + 1;
    } else if (character === '\\' && index + 1 < pattern.length) {
      source += escapeForRegExp(pattern[index + 1]);
      index += 2;
    } else {
      source += escapeForRegExp(character);
      index++;
    }
  }

  return new RegExp(`^${source}$`, 'u');
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  xdigit: '0-9A-Fa-f',
  punct: '!-\\/:-@\\[-`{-~',
  cntrl: '\\x00-\\x1f\\x7f',
  print: '\\x20-\\x7e',
  graph: '\\x21-\\x7e',
};

/**
 * Converts the bracket expression that starts at `start` into a RegExp class. Returns
 * undefined when the bracket never closes, because fnmatch then reads '[' literally.
 */
function readBracket(pattern: string, start: number): { source: string; end: number } | undefined {
  let index = start + 1;
  let negated = false;

  if (pattern[index] === '!' || pattern[index] === '^') {
    negated = true;
    index++;
  }

  let members = '';
  let first = true;

  while (index < pattern.length) {
    if (pattern[index] === ']' && !first) {
      return { source: bracketClass(members, negated), end: index + 1 };
    }
    first = false;

    const posixClass = readPosixClass(pattern, index);
    if (posixClass) {
      members += posixClass.members;
      index = posixClass.end;
      continue;
    }

    const low = readBracketCharacter(pattern, index);
    index = low.end;

    if (pattern[index] === '-' && index + 1 < pattern.length && pattern[index + 1] !== ']') {
      const high = readBracketCharacter(pattern, index + 1);
      index = high.end;
      // A reversed range such as z-a matches nothing, as in glibc.
      if (low.character <= high.character) members += `${escapeInClass(low.character)}-${escapeInClass(high.character)}`;
      continue;
    }

    members += escapeInClass(low.character);
  }

  return undefined;
}

/** Returns the RegExp class of the members. A bracket with none, such as `[z-a]`, matches nothing, or anything when negated. */
function bracketClass(members: string, negated: boolean): string {
  if (members === '') return negated ? '[\\s\\S]' : '[]';
  return negated ? `[^${members}]` : `[${members}]`;
}

function readPosixClass(pattern: string, index: number): { members: string; end: number } | undefined {
  if (!pattern.startsWith('[:', index)) return undefined;

  const close = pattern.indexOf(':]', index + 2);
  if (close < 0) return undefined;

  const members = POSIX_CLASSES[pattern.slice(index + 2, close)];
  return members === undefined ? undefined : { members, end: close + 2 };
}

function readBracketCharacter(pattern: string, index: number): { character: string; end: number } {
  if (pattern[index] === '\\' && index + 1 < pattern.length) {
    return { character: pattern[index + 1], end: index + 2 };
  }
  return { character: pattern[index], end: index + 1 };
}

function escapeForRegExp(character: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(character) ? `\\${character}` : character;
}

function escapeInClass(character: string): string {
  return /[\\\]^[-]/.test(character) ? `\\${character}` : character;
}
