/** Each global pattern's twin without the `g` flag, made once: it only says whether one matches. */
const anyOf = new WeakMap<RegExp, RegExp>();

const NONE: readonly RegExpExecArray[] = [];

/**
 * The matches of a global `pattern` in `text`, as `text.matchAll(pattern)` gives them. Most texts
 * hold none of most patterns, and `matchAll` first copies its pattern and makes an iterator
 * (about a microsecond); a twin of the pattern without the `g` flag, which keeps no position,
 * tells that nothing matches for a few dozen nanoseconds.
 *
 * @example
 * for (const m of allMatches('a 5 day wait', /(\d+) days?/g)) console.log(m[1]); // '5'
 */
export function allMatches(text: string, pattern: RegExp): Iterable<RegExpExecArray> {
  let any = anyOf.get(pattern);
  if (any === undefined) {
    if (!pattern.global || pattern.sticky) {
      throw new TypeError(`allMatches needs a global, non-sticky pattern: ${pattern}`);
    }
    any = new RegExp(pattern.source, pattern.flags.replace('g', ''));
    anyOf.set(pattern, any);
  }
  return any.test(text) ? text.matchAll(pattern) : NONE;
}
