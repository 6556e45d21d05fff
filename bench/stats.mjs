// Small statistics and formatting helpers shared by the benchmark's sections.

/** Sorted copy (numbers, ascending). */
const sorted = (values) => [...values].sort((a, b) => a - b);

/** Median (the mean of the two middle values for an even count); NaN for no values. */
export function median(values) {
  if (!values.length) return NaN;
  const s = sorted(values);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Percentile by linear interpolation between closest ranks (p in [0, 100]). */
export function percentile(values, p) {
  if (!values.length) return NaN;
  const s = sorted(values);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo] + (s[hi] - s[lo]) * (rank - lo);
}

export const min = (values) => (values.length ? Math.min(...values) : NaN);
export const max = (values) => (values.length ? Math.max(...values) : NaN);

/** { median, min, max, n } of a list of numbers. */
export const summary = (values) => ({ median: median(values), min: min(values), max: max(values), n: values.length });

/** Milliseconds with a sensible number of decimals. */
export function ms(value, digits) {
  if (!Number.isFinite(value)) return '—';
  const magnitude = Math.abs(value);
  let d = 2;
  if (magnitude >= 100) d = 0;
  else if (magnitude >= 10) d = 1;
  if (digits !== undefined) d = digits;
  return `${value.toFixed(d)} ms`;
}

/** `median (min–max)` in ms. */
export const msRange = (s, digits) =>
  Number.isFinite(s.median)
    ? `${ms(s.median, digits)} (${ms(s.min, digits).replace(' ms', '')}–${ms(s.max, digits)})`
    : '—';

export const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN);
export const fmtRatio = (r) => (Number.isFinite(r) ? r.toFixed(2) : '—');

export const KB = 1024;
export const kb = (bytes, digits = 2) => (Number.isFinite(bytes) ? `${(bytes / KB).toFixed(digits)} KB` : '—');

/** Rounds every number in a sample list, so that raw samples stay readable in the results file. */
export const round = (value, digits = 3) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value);

/** A markdown table from a header row and body rows (cells are strings). */
export function table(header, rows, align) {
  const sep = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [header, sep, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/**
 * JSON, indented, but with every array or object whose members are all primitives on one line
 * (a sample, a list of numbers), so that thousands of samples stay a readable file.
 */
export function compactJson(value, indent = '') {
  const flat = (v) => v === null || typeof v !== 'object';
  if (flat(value)) return JSON.stringify(value) ?? 'null';
  const entries = Array.isArray(value)
    ? value.map((v) => [undefined, v])
    : Object.entries(value).filter(([, v]) => v !== undefined);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.every(([, v]) => flat(v))) return JSON.stringify(value);
  const inner = `${indent}  `;
  const lines = entries.map(
    ([k, v]) => `${inner}${k === undefined ? '' : `${JSON.stringify(k)}: `}${compactJson(v, inner)}`,
  );
  return `${open}\n${lines.join(',\n')}\n${indent}${close}`;
}
