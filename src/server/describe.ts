// How an option error quotes the value it refused, and how a log line stays one line.
// Input: any value (and what to redact). Output: a short, printable description of it.

/** How many characters of a string an error quotes. */
const MAX_QUOTED = 80;
/** What JSON.stringify leaves as it is but a terminal or a log reader would act on: DEL, C1 controls, line and paragraph separators. */
const UNSAFE = /[\u007f-\u009f\u2028\u2029]/g;
/** Any control character, line and paragraph separators included. */
// eslint-disable-next-line no-control-regex -- finding them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A string as JSON, cut at 80 characters, with every control character escaped. */
export function quoted(text: string): string {
  const cut = text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED - 1)}…` : text;
  return JSON.stringify(cut).replace(UNSAFE, escape);
}

const article = (name: string) => (/^[aeiou]/i.test(name) ? `an ${name}` : `a ${name}`);

/** The kind of a value that is not shown as it is: `a function`, `an array of 2 items`, `a Map`, `an object`. */
function kind(value: unknown): string | undefined {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (Array.isArray(value)) {
    if (value.length === 0) return 'an empty array';
    return `an array of ${value.length} ${value.length === 1 ? 'item' : 'items'}`;
  }
  if (typeof value === 'object' && value !== null) {
    const name = Object.getPrototypeOf(value)?.constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object' ? article(name) : 'an object';
  }
  return undefined;
}

/**
 * A URL with its credentials and query hidden (they may hold keys): scheme, host and path,
 * `****@` for a user or password and `?…` for a query.
 */
export function shownUrl(url: URL): string {
  const credentials = url.username || url.password ? '****@' : '';
  const path = url.host === '' && url.pathname === '' ? '' : url.pathname;
  return `${url.protocol}//${credentials}${url.host}${path}${url.search ? '?…' : ''}`;
}

/**
 * What an error says it got: a string as JSON (a URL's credentials hidden, `redact` applied,
 * cut at 80 characters), a number or other primitive as it is, anything else by its kind.
 */
export function got(value: unknown, redact: (text: string) => string = (text) => text): string {
  if (typeof value === 'string') {
    let text = value;
    if (/^[a-z][a-z0-9+.-]*:/i.test(text)) {
      try {
        const url = new URL(text);
        if (url.username || url.password) text = shownUrl(url);
      } catch {
        // Not a URL: quoted as it is.
      }
    }
    return quoted(redact(text));
  }
  if (value instanceof URL) return quoted(redact(shownUrl(value)));
  if (typeof value === 'bigint') return `${value}n`;
  return kind(value) ?? String(value);
}

/** What an error says it got for a secret: its kind and length, never its characters. */
export function gotSecret(value: unknown): string {
  if (typeof value === 'string') return value === '' ? '""' : `a string of ${value.length} characters`;
  if (value === undefined || value === null) return String(value);
  return kind(value) ?? article(typeof value);
}

/** A text on one line: every control character (line breaks, escape sequences) escaped. */
export function oneLine(text: string): string {
  return text.replace(CONTROL, escape);
}
