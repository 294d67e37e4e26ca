/** Order checks over list pages: pure functions, so a failure names the first pair out of order. */

/**
 * An API timestamp as microseconds since the epoch. The API drops the fraction when it is
 * zero ("…:48Z" beside "…:48.3Z"), so neither string order nor Date (milliseconds) is exact.
 */
export function instant(ts: string): number {
  const m = /^(.*?:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})$/.exec(ts);
  if (!m) throw new Error(`Not an ISO timestamp: ${JSON.stringify(ts)}`);
  return Date.parse(m[1]! + m[3]!) * 1000 + Number((m[2] ?? '').padEnd(6, '0'));
}

/** Plain code-unit order: codes share one shape and alphabet, so every collation agrees with it. */
export const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
export const byInstant = (a: string, b: string) => Math.sign(instant(a) - instant(b));

/** The first adjacent pair that breaks the order, or undefined when `values` is sorted. */
export function outOfOrder<T>(values: T[], compare: (a: T, b: T) => number, descending = false): [T, T, number] | undefined {
  for (let i = 1; i < values.length; i++) {
    const c = compare(values[i - 1]!, values[i]!);
    if (descending ? c < 0 : c > 0) return [values[i - 1]!, values[i]!, i];
  }
  return undefined;
}

export function describeOrder<T>(values: T[], compare: (a: T, b: T) => number, descending = false): string {
  const bad = outOfOrder(values, compare, descending);
  return bad
    ? `items ${bad[2] - 1} and ${bad[2]} are out of ${descending ? 'descending' : 'ascending'} order: ${String(bad[0])} then ${String(bad[1])}`
    : 'sorted';
}
