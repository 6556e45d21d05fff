// A consumer app with its own Lit element that renders <spotnana-embed> in its shadow root.
// Bundled by esbuild from an installed copy of the npm package (see frameworks-plugin.mjs):
// the app and the package must share one copy of Lit.
import { LitElement, html } from 'lit';
import { SpotnanaEmbed } from 'spotnana-embed';

const q = new URLSearchParams(location.search);
window.sent = [];

class AcmeShell extends LitElement {
  render() {
    return html`<h1>Acme</h1>
      <spotnana-embed
        embed-url=${q.get('embed')}
        path=${`/?id=${q.get('id')}`}
        token-endpoint=${`/token?key=${q.get('key')}`}
        @spotnana-token-sent=${(e) => window.sent.push(e.detail)}
      ></spotnana-embed>`;
  }
}
customElements.define('acme-shell', AcmeShell);
window.embedClass = SpotnanaEmbed;
