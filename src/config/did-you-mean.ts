/**
 * The name among `known` that `name` most likely misspells: within two edits, compared without
 * case and without `_`, `-` or `.` (so "prot" finds "port", "ADMIN_APIKEY" finds
 * "ADMIN_API_KEY"), or `undefined` when none is that close. Names shorter than `minLength` are
 * not matched: between short names two edits make anything of anything.
 *
 * @example
 * closestName('kb_serch', ['kb_search', 'memory']); // 'kb_search'
 */
export function closestName(
  name: string,
  known: Iterable<string>,
  minLength = 4,
): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const wanted = squash(name);
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const target = squash(candidate);
    if (target.length < minLength || candidate === name) continue;
    const distance = editDistance(wanted, target, 2);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** Levenshtein distance of `a` and `b`, or `limit + 1` once it is sure to exceed `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] as number;
}
