// spotnana-embed/vue, as plain TypeScript sees it: the GlobalComponents entry's props.
// (test/types/vue/Travel.vue checks the same through vue-tsc, in a template.)
import type {} from 'spotnana-embed/vue';
import type { GlobalComponents } from 'vue';

type Props = InstanceType<GlobalComponents['spotnana-embed']>['$props'];

export const good: Props = {
  env: 'production',
  tokenEndpoint: '/api/spotnana-token',
  orgId: 'acme',
  tokenTimeout: 5000,
  tokenProvider: async () => ({ accessToken: 'a', refreshToken: 'r' }),
  class: 'embed',
};
// @ts-expect-error: env is 'sandbox' | 'production'
export const badEnv: Props = { env: 'staging' };
// @ts-expect-error: tokenProvider is a function
export const badProvider: Props = { tokenProvider: '/api/spotnana-token' };
// @ts-expect-error: tokenTimeout is a number
export const badTimeout: Props = { tokenTimeout: 'soon' };
