// The DOM typings of the main entry: HTMLElementTagNameMap and the events' detail types.
import { SpotnanaEmbed, type Tokens } from 'spotnana-embed';

const el = document.createElement('spotnana-embed');
const same: SpotnanaEmbed = el;
const found: SpotnanaEmbed | null = document.querySelector('spotnana-embed');
el.env = 'production';
// @ts-expect-error: env is 'sandbox' | 'production'
el.env = 'staging';
el.tokenTimeout = 5000;
// @ts-expect-error: tokenTimeout is a number
el.tokenTimeout = '5000';
el.tokenProvider = async ({ signal, env, embedOrigin }): Promise<Tokens> => ({
  accessToken: `${signal.aborted}${env}${embedOrigin}`,
  refreshToken: 'r',
});
// @ts-expect-error: a provider resolves to Tokens
el.tokenProvider = async () => ({ access_token: 'a' });
el.addEventListener('spotnana-error', (e) => {
  const code: string = e.detail.code;
  const status: number | undefined = e.detail.status;
  // @ts-expect-error: the detail has no token
  void e.detail.accessToken;
  void [code, status];
});
document.addEventListener('spotnana-token-sent', (e) => {
  const prefetched: boolean = e.detail.prefetched;
  void prefetched;
});
// @ts-expect-error: reload() takes no argument
el.reload(true);
void [same, found];
