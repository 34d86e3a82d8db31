/**
 * Guards against catastrophic backtracking in brand-authored regular expressions.
 * Node has no regex timeout and RE2 would be a native dependency, so we accept only patterns whose
 * worst case is polynomial and small: bounded length, no back-references, no repeated group that
 * itself contains a repetition or an alternation (`(a+)+`, `(a|a)*`), few unbounded quantifiers,
 * and the text a pattern runs on is capped (see MAX_REGEX_INPUT).
 */
export const MAX_REGEX_LENGTH = 200;
export const MAX_UNBOUNDED_QUANTIFIERS = 3;
/** Characters of message text a pattern sees; keeps even O(n²) patterns in the microseconds. */
export const MAX_REGEX_INPUT = 4000;
export const ALLOWED_REGEX_FLAGS = /^[imsu]*$/;

interface Frame {
  risky: boolean; // contains a quantifier or an alternation
}

/** Reads a quantifier at `i`; returns its length and whether it is unbounded, or null if none. */
function readQuantifier(p: string, i: number): { len: number; unbounded: boolean } | null {
  const c = p[i];
  let len: number;
  let unbounded = false;
  if (c === '*' || c === '+') {
    len = 1;
    unbounded = true;
  } else if (c === '?') {
    len = 1;
  } else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
    if (!m) return null;
    len = m[0].length;
    unbounded = m[2] !== undefined && m[3] === '';
  } else {
    return null;
  }
  if (p[i + len] === '?') len += 1; // lazy modifier belongs to the quantifier
  return { len, unbounded };
}

/** Returns a human-readable reason when the pattern is unsafe or invalid, else null. */
export function checkRegexSafety(pattern: string, flags = 'i'): string | null {
  if (pattern.length === 0) return 'pattern is empty';
  if (pattern.length > MAX_REGEX_LENGTH) return `pattern is longer than ${MAX_REGEX_LENGTH} characters`;
  if (!ALLOWED_REGEX_FLAGS.test(flags)) return 'only the flags i, m, s and u are allowed';
  try {
    new RegExp(pattern, flags);
  } catch (e) {
    return `invalid regular expression: ${(e as Error).message}`;
  }
  const stack: Frame[] = [{ risky: false }];
  let unboundedCount = 0;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    let atomEnd = i + 1;
    let closedGroup: Frame | null = null;
    if (c === '\\') {
      const n = pattern[i + 1] ?? '';
      if (/[1-9]/.test(n) || (n === 'k' && pattern[i + 2] === '<')) return 'back-references are not allowed';
      atomEnd = i + 2;
    } else if (c === '[') {
      let j = i + 1;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      atomEnd = j + 1;
    } else if (c === '(') {
      stack.push({ risky: false });
      const m = /^\((\?(:|=|!|<=|<!|<[A-Za-z_][A-Za-z0-9_]*>))?/.exec(pattern.slice(i));
      i += m?.[0].length ?? 1;
      continue;
    } else if (c === ')') {
      closedGroup = stack.pop() ?? { risky: false };
    } else if (c === '|') {
      const top = stack[stack.length - 1];
      if (top) top.risky = true;
      i += 1;
      continue;
    }
    const q = readQuantifier(pattern, atomEnd);
    const parent = stack[stack.length - 1] ?? { risky: false };
    if (closedGroup?.risky) parent.risky = true;
    if (q) {
      if (q.unbounded) {
        if (closedGroup?.risky) return 'a repeated group may not contain repetition or alternation (catastrophic backtracking)';
        unboundedCount += 1;
        if (unboundedCount > MAX_UNBOUNDED_QUANTIFIERS) return `at most ${MAX_UNBOUNDED_QUANTIFIERS} unbounded quantifiers (*, +, {n,}) are allowed`;
      }
      parent.risky = true;
      atomEnd += q.len;
    }
    i = atomEnd;
  }
  return null;
}
