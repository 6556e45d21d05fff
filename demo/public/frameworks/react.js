// React 19: the element as a native custom element; `on<event-name>` props are listeners.
// Bundled on request by the demo server (demo/app.mjs): React ships CommonJS only.
import 'spotnana-embed';
import { createElement as h, useState } from 'react';
import { createRoot } from 'react-dom/client';

const root = document.getElementById('app');
const { embedUrl, orgId, env } = root.dataset;

function Travel() {
  const [shown, setShown] = useState(true);
  const [error, setError] = useState('');
  return h(
    'div',
    null,
    h(
      'p',
      null,
      h(
        'button',
        { className: 'btn', type: 'button', onClick: () => setShown(!shown) },
        `${shown ? 'Unmount' : 'Mount'} the embed`,
      ),
    ),
    shown &&
      h('spotnana-embed', {
        'token-endpoint': '/api/spotnana-token',
        'embed-url': embedUrl || undefined,
        'org-id': orgId,
        env,
        'frame-title': 'Spotnana travel',
        'onspotnana-error': (e) => setError(`${e.detail.code}: ${e.detail.message}`),
      }),
    error && h('p', { className: 'muted' }, `Last error: ${error}`),
  );
}

createRoot(root).render(h(Travel));
