// The matrix app on Cloudflare Workers (workerd): a module worker, its config in a binding.
import { createApp } from './app.mjs';

let app;
export default {
  fetch(request, env) {
    app ??= createApp(JSON.parse(env.SPOTNANA_MATRIX));
    return app(request);
  },
};
