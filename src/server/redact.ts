// Keeps the client secret and the subject token out of every error, in every form an
// upstream (Spotnana, a proxy, a custom fetch) might echo them: verbatim, percent-encoded,
// form-encoded, JSON-escaped, and any run of 8 or more of their characters.
// Input: the secrets. Output: a function that redacts a text.

/** The shortest run of a secret's characters that counts as a leak. */
const MIN_RUN = 8;
const MARK = '[redacted]';
/** A C0 or C1 control character, or a character outside ASCII: what JSON may write as \uXXXX. */
const JSON_UNICODE_ESCAPED = /[^\x20-\x7e]/g;

/** Removes every trace of `secrets` from a text. */
export type Redactor = (text: string) => string;

/** The forms in which a value may come back. */
function echoes(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const jsonAscii = json
    .replace(JSON_UNICODE_ESCAPED, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
  const form = new URLSearchParams([['v', value]]).toString().slice(2);
  return [value, encodeURIComponent(value), encodeURI(value), form, json, jsonAscii];
}

/** Lower case, one code unit for one, so that positions stay aligned (percent and \u hex come in either case). */
function fold(text: string): string {
  let out = '';
  for (const unit of text) {
    const lower = unit.toLowerCase();
    out += lower.length === unit.length ? lower : unit;
  }
  return out;
}

export function createRedactor(secrets: readonly string[]): Redactor {
  const runs = new Set<string>();
  const short: string[] = [];
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of echoes(secret).map(fold)) {
      if (form.length < MIN_RUN) short.push(form);
      // Every window of MIN_RUN characters: any longer run is covered by its windows.
      for (let i = 0; i + MIN_RUN <= form.length; i++) runs.add(form.slice(i, i + MIN_RUN));
    }
  }

  return (text) => {
    const folded = fold(text);
    const hidden = new Uint8Array(text.length);
    const hide = (start: number, length: number) => hidden.fill(1, start, start + length);
    for (let i = 0; i + MIN_RUN <= folded.length; i++) {
      if (runs.has(folded.slice(i, i + MIN_RUN))) hide(i, MIN_RUN);
    }
    for (const form of short) {
      for (let at = folded.indexOf(form); at !== -1; at = folded.indexOf(form, at + 1)) hide(at, form.length);
    }
    let out = '';
    for (let i = 0; i < text.length; i++) {
      if (!hidden[i]) out += text[i];
      else if (i === 0 || !hidden[i - 1]) out += MARK;
    }
    return out;
  };
}

/** How deep a chain of causes is copied; deeper ones are dropped. */
const MAX_CAUSE_DEPTH = 3;

/**
 * A copy of what a `fetch` threw, for `TokenExchangeError.cause`: its name, message, stack,
 * string and number properties (`code`, `errno`, `syscall`...) and causes, each redacted.
 * A runtime's or a custom fetch's error may quote the request, and with it the secrets.
 */
export function redactedCause(error: unknown, redact: Redactor, depth = 0): unknown {
  if (typeof error === 'string') return redact(error);
  if (typeof error !== 'object' || error === null) return error;
  if (!(error instanceof Error) || depth >= MAX_CAUSE_DEPTH) return undefined;
  try {
    return copyError(error, redact, depth);
  } catch {
    // A getter that throws: better no cause than a leak or a crash.
    return undefined;
  }
}

function copyError(error: Error, redact: Redactor, depth: number): Error {
  const cause = error.cause === undefined ? undefined : redactedCause(error.cause, redact, depth + 1);
  const copy = new Error(redact(String(error.message)), cause === undefined ? undefined : { cause });
  copy.name = redact(String(error.name));
  copy.stack = redact(String(error.stack ?? ''));
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === 'string') Object.assign(copy, { [key]: redact(value) });
    else if (typeof value === 'number') Object.assign(copy, { [key]: value });
  }
  return copy;
}
