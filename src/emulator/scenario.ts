// Scenarios: the ways Spotnana can misbehave, switched on at run time so that an integrator's
// tests can see how their app copes. The token API applies its part when a request arrives;
// the embed app's part travels to the page when it loads (in its <meta> configuration).
// With no scenario the emulator behaves as documented: each part is off by default.

/** The OAuth error answer of a rejected token exchange (RFC 6749 §5.2). */
export interface OAuthErrorAnswer {
  /** HTTP status, 400 to 599. Default 400. */
  status?: number;
  /** The OAuth `error` code. Default `invalid_grant`. */
  error?: string;
  /** The `error_description`. Default: a sentence naming the scenario. */
  description?: string;
}

export interface EmulatorScenario {
  /**
   * The next token exchange (one that passes the request and client checks) is answered
   * with an OAuth error instead of tokens, once; the one after it is answered as usual.
   * `true`: 400 `invalid_grant`.
   */
  rejectNextExchange?: boolean | OAuthErrorAnswer;
  /** The embed app answers every token set it gets with `TOKEN_EXCHANGE_ERROR` / `INVALID_TOKEN`. */
  rejectTokens?: boolean;
  /** The embed app never posts `TOKEN_EXCHANGE_REQUEST` (a page that is not on the allow-list looks like this). */
  silentFrame?: boolean;
  /** Milliseconds the embed app waits after it starts before it asks for tokens (a slow boot). Default 0. */
  bootDelay?: number;
  /**
   * Milliseconds after its first sign-in when the embed app asks for tokens again, once (as it
   * does when it refreshes), and shows the second set. Default 0: it asks once.
   */
  askAgainAfter?: number;
}

/** The embed app's part, as its page receives it. */
export interface FrameScenario {
  silentFrame: boolean;
  bootDelay: number;
  askAgainAfter: number;
}

/** A scenario checked and with its defaults filled in. */
export interface ActiveScenario {
  rejectNextExchange?: Required<OAuthErrorAnswer>;
  rejectTokens: boolean;
  frame: FrameScenario;
}

/** The longest delay a scenario takes: ten minutes. */
export const MAX_SCENARIO_DELAY_MS = 600_000;
const HTTP_ERROR_MIN = 400;
const HTTP_ERROR_MAX = 599;
/** RFC 6749 §5.2: `error` and `error_description` are printable ASCII but `"` and `\`. */
const OAUTH_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

/** The names of the parts that are on, for the log and the status page. */
export function describeScenario(scenario: ActiveScenario): string[] {
  const parts: string[] = [];
  if (scenario.rejectNextExchange) {
    parts.push(`rejectNextExchange (${scenario.rejectNextExchange.status} ${scenario.rejectNextExchange.error})`);
  }
  if (scenario.rejectTokens) parts.push('rejectTokens');
  if (scenario.frame.silentFrame) parts.push('silentFrame');
  if (scenario.frame.bootDelay) parts.push(`bootDelay ${scenario.frame.bootDelay} ms`);
  if (scenario.frame.askAgainAfter) parts.push(`askAgainAfter ${scenario.frame.askAgainAfter} ms`);
  return parts;
}

/** Checks a scenario (a `TypeError` names the setting at fault) and fills in its defaults. */
export function toActiveScenario(scenario: EmulatorScenario = {}): ActiveScenario {
  if (scenario === null || typeof scenario !== 'object') throw new TypeError('A scenario must be an object.');
  const known = new Set(['rejectNextExchange', 'rejectTokens', 'silentFrame', 'bootDelay', 'askAgainAfter']);
  for (const name of Object.keys(scenario)) {
    if (!known.has(name)) throw new TypeError(`Unknown scenario setting ${JSON.stringify(name)}.`);
  }
  return {
    rejectNextExchange: toRejection(scenario.rejectNextExchange),
    rejectTokens: toFlag('rejectTokens', scenario.rejectTokens),
    frame: {
      silentFrame: toFlag('silentFrame', scenario.silentFrame),
      bootDelay: toDelay('bootDelay', scenario.bootDelay),
      askAgainAfter: toDelay('askAgainAfter', scenario.askAgainAfter),
    },
  };
}

function toFlag(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TypeError(`scenario.${name} must be true or false.`);
  return value;
}

function toDelay(name: string, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_SCENARIO_DELAY_MS) {
    throw new TypeError(`scenario.${name} must be a whole number of milliseconds from 0 to ${MAX_SCENARIO_DELAY_MS}.`);
  }
  return value;
}

function toRejection(value: EmulatorScenario['rejectNextExchange']): Required<OAuthErrorAnswer> | undefined {
  if (value === undefined || value === false) return undefined;
  const answer: OAuthErrorAnswer = value === true ? {} : value;
  if (answer === null || typeof answer !== 'object') {
    throw new TypeError('scenario.rejectNextExchange must be true, false or { status, error, description }.');
  }
  const status = answer.status ?? HTTP_ERROR_MIN;
  if (!Number.isInteger(status) || status < HTTP_ERROR_MIN || status > HTTP_ERROR_MAX) {
    throw new TypeError(`scenario.rejectNextExchange.status must be an HTTP error status from 400 to 599.`);
  }
  const error = answer.error ?? 'invalid_grant';
  const description =
    answer.description ?? "The token exchange was rejected (the emulator's rejectNextExchange scenario).";
  for (const [name, text] of [
    ['error', error],
    ['description', description],
  ] as const) {
    if (typeof text !== 'string' || !OAUTH_TEXT.test(text)) {
      throw new TypeError(
        `scenario.rejectNextExchange.${name} must be printable ASCII without " or \\ (RFC 6749 §5.2).`,
      );
    }
  }
  return { status, error, description };
}
