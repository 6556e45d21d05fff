// The page's Content Security Policy as the element meets it. A `securitypolicyviolation`
// event that blocked the element's frame (`frame-src`) or its token endpoint (`connect-src`)
// becomes a `blocked-by-csp` error that names the directive and the origin to allow; any
// other violation is not the element's. (`effectiveDirective` names the directive of the
// request's kind even when the policy only has `default-src`: adding to it is the fix.)
// Input: the event, the embed origin, the token endpoint's URL. Output: the error's detail.

import { parseUrl } from './config.js';
import type { SpotnanaErrorDetail } from './events.js';

/** The `spotnana-error` detail for a violation that blocked the frame or the token endpoint; undefined otherwise. */
export function blockedByCsp(
  event: SecurityPolicyViolationEvent,
  embedOrigin: string,
  endpoint: string | undefined,
): SpotnanaErrorDetail | undefined {
  const directive = event.effectiveDirective;
  const blocked = parseUrl(event.blockedURI)?.origin;
  const frame = directive === 'frame-src' && blocked === embedOrigin;
  const tokens = directive === 'connect-src' && !!endpoint && blocked === parseUrl(endpoint)?.origin;
  // A report-only policy reports, and blocks nothing.
  if (!(frame || tokens) || event.disposition !== 'enforce') return undefined;
  return {
    source: frame ? 'config' : 'token-endpoint',
    code: 'blocked-by-csp',
    message: `The page's Content Security Policy blocks ${frame ? 'the Spotnana frame' : 'the token endpoint'}: add ${blocked} to ${directive}.`,
  };
}
