// The element's options, one row each: the property name, the HTML attribute (or none),
// how a value is checked, the default, and whether a change reloads the frame. Everything
// else is derived from this table: the element's reactive properties, defaults and
// validation (config.ts), the React wrapper's attribute and prop maps (react.ts), the
// framework typings (framework-typings.ts) and the manifest's attribute docs (the row's
// JSDoc, read by custom-elements-manifest.config.mjs). Adding an option is one row here.
// No DOM, no Lit.

import { EmbedError } from './error.js';
import type { ConfigErrorCode } from './events.js';
import { DEFAULT_ENV, ENV_NAMES } from './shared/environments.js';
import type { TokenProvider } from './token-client.js';

export type { SpotnanaEnv } from './shared/environments.js';
export type TokenCredentials = 'same-origin' | 'include' | 'omit';
export type TokenFetch = 'eager' | 'on-request';

/** The longest `token-timeout` allowed: two minutes. */
export const MAX_TOKEN_TIMEOUT = 120_000;

/** Checks a value that is not empty; throws the config EmbedError that names `name`. */
type Parse<T> = (value: unknown, name: string) => T;

export interface Row<T = unknown> {
  /** The HTML attribute, or `false` for a property only (HTML cannot carry a function). */
  readonly attribute: string | false;
  readonly parse: Parse<T>;
  /** The value when the property is empty (`undefined`, `null` or `''`). */
  readonly default?: T;
  /** The attribute holds a number (Lit converts it). */
  readonly numeric?: boolean;
  /** A change drops held tokens and reloads the frame; the other options apply from the next fetch or render. */
  readonly reloads?: boolean;
  /** The iframe attribute it sets (by its DOM and React name): a change applies at once, and cannot make the configuration invalid. */
  readonly frame?: string;
}

/** The config error for a value of `name` that is not what it must be. */
export const invalid = (code: ConfigErrorCode, name: string, expected: string, value: unknown) =>
  new EmbedError({ source: 'config', code, message: `${name} must be ${expected}, not "${String(value)}".` });

const text: Parse<string> = (value) => String(value);

const oneOf =
  <T extends string>(allowed: readonly T[], code: ConfigErrorCode = 'invalid-option'): Parse<T> =>
  (value, name) => {
    if ((allowed as readonly unknown[]).includes(value)) return value as T;
    throw invalid(code, name, allowed.join(' or '), value);
  };

export const integer =
  (min: number, max: number): Parse<number> =>
  (value, name) => {
    if (Number.isInteger(value) && (value as number) >= min && (value as number) <= max) return value as number;
    throw invalid('invalid-option', name, `an integer from ${min} to ${max}`, value);
  };

/** Whatever is set: a provider that is not a function fails when it is called, as `provider-error`. */
const provider: Parse<TokenProvider> = (value) => value as TokenProvider;

/** A row, with its attribute name kept as a literal type for the typings; its default is checked against its parser. */
const row = <const R extends Row<any>>(spec: R & Row<ReturnType<R['parse']>>): R => spec;

export const OPTIONS = {
  /** `sandbox` or `production`: picks the embed base. */
  env: row({ attribute: 'env', parse: oneOf(ENV_NAMES, 'invalid-env'), default: DEFAULT_ENV, reloads: true }),
  /** URL of the host backend's token endpoint; relative URLs resolve against the document. */
  tokenEndpoint: row({ attribute: 'token-endpoint', parse: text, reloads: true }),
  /** Sent as the `orgId` query parameter (left out when empty). */
  orgId: row({ attribute: 'org-id', parse: text, reloads: true }),
  /** Path (and optional query) inside the embed app; must start with a single `/`. */
  path: row({ attribute: 'path', parse: text, default: '/', reloads: true }),
  /** Overrides the env's embed base: `https:`, or `http:` for localhost, 127.0.0.0/8 and [::1]. */
  embedUrl: row({ attribute: 'embed-url', parse: text, reloads: true }),
  /** Fetch credentials mode for the token endpoint: `same-origin`, `include` or `omit`. */
  tokenCredentials: row({
    attribute: 'token-credentials',
    parse: oneOf<TokenCredentials>(['same-origin', 'include', 'omit']),
    default: 'same-origin',
  }),
  /** `eager`: fetch tokens as soon as the element connects; `on-request`: only when the iframe asks. */
  tokenFetch: row({ attribute: 'token-fetch', parse: oneOf<TokenFetch>(['eager', 'on-request']), default: 'eager' }),
  /** Accessible name of the iframe. */
  frameTitle: row({ attribute: 'frame-title', parse: text, default: 'Spotnana', frame: 'title' }),
  /** The iframe's `allow` attribute (permissions policy), e.g. `clipboard-write; fullscreen`. */
  allow: row({ attribute: 'allow', parse: text, frame: 'allow' }),
  /** Milliseconds one token-endpoint attempt (or the provider) may take before it is aborted: an integer from 1 to 120000. */
  tokenTimeout: row({
    attribute: 'token-timeout',
    parse: integer(1, MAX_TOKEN_TIMEOUT),
    default: 10_000,
    numeric: true,
  }),
  /** Replaces the fetch of `token-endpoint` when set; not retried, aborted through `signal` after `token-timeout` ms. */
  tokenProvider: row({ attribute: false, parse: provider }),
};

type Rows = typeof OPTIONS;
export type OptionName = keyof Rows;
type ValueOf<R> = R extends { parse: Parse<infer T> } ? T : never;
/** An option's value once checked: the default when it has one, else possibly undefined. */
type Checked<K extends OptionName> = Rows[K] extends { default: unknown }
  ? ValueOf<Rows[K]>
  : ValueOf<Rows[K]> | undefined;

/** The element's options as its properties hold them. */
export type SpotnanaEmbedOptions = { [K in OptionName]: Checked<K> };

/** What a caller may pass for each option (the element's properties, a framework's props); empty means the default. */
export type OptionsInput = { [K in OptionName]?: ValueOf<Rows[K]> | null | '' };

type AttributeOf<K extends OptionName> = Rows[K]['attribute'];
/** The options HTML can carry, by attribute name (strings in HTML; a numeric attribute also as a number). */
export type SpotnanaEmbedAttributes = {
  [K in OptionName as AttributeOf<K> extends string ? AttributeOf<K> : never]?: Rows[K] extends { numeric: true }
    ? number | `${number}`
    : ValueOf<Rows[K]>;
};

export const OPTION_NAMES = Object.keys(OPTIONS) as OptionName[];

/** The table's rows with their common shape, for code that reads any row. */
export const ROWS: Readonly<Record<OptionName, Row>> = OPTIONS;

/** The options HTML can carry, each with its attribute. */
export const ATTRIBUTE_OPTIONS = OPTION_NAMES.flatMap((name) => {
  const { attribute } = ROWS[name];
  return attribute ? [[name, attribute] as const] : [];
});

const isEmpty = (value: unknown) => value === undefined || value === null || value === '';

/** One option's value, checked: the row's default (or undefined) when empty; throws a config EmbedError naming it. */
export function checkOption<K extends OptionName>(name: K, value: unknown): Checked<K> {
  const spec = ROWS[name];
  if (isEmpty(value)) return spec.default as Checked<K>;
  return spec.parse(value, spec.attribute || name) as Checked<K>;
}

type FrameOf<K extends OptionName> = Rows[K] extends { frame: string } ? Rows[K]['frame'] : never;
/** The iframe attributes that options set, by their DOM and React names. */
export type FrameOptionAttributes = { [K in OptionName as FrameOf<K>]: Checked<K> };

/** The options that set an attribute of the iframe, each with that attribute. */
export const FRAME_OPTIONS = OPTION_NAMES.flatMap((name) => {
  const { frame } = ROWS[name];
  return frame ? [[name, frame] as const] : [];
});

/** A change of any of these drops held tokens and reloads the frame. */
export const RELOADING_OPTIONS = OPTION_NAMES.filter((name) => ROWS[name].reloads);

/** Whether `name` is an option that only sets an attribute of the iframe. */
export const isFrameOption = (name: PropertyKey) => Object.hasOwn(ROWS, name) && !!ROWS[name as OptionName].frame;
