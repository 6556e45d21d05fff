import { unsafeCSS } from 'lit';

// A plain page with no CSS around the element still shows a usable embed: a block box,
// full width, 600px high unless the host says otherwise. The loading and error views (the
// only elements with a role) cover the frame until the tokens are sent; the loading view's
// spinner is the browser's own indeterminate <progress>.
//
// A constant string, minified by hand, one rule a line: nothing is interpolated, so Lit's
// `css` tag would only add its own checks (about 150 B gzip) to the CDN file.
export const styles = unsafeCSS(
  ':host{display:block;position:relative;box-sizing:border-box;width:100%;height:var(--spotnana-embed-height,600px)}' +
    ':host([hidden]){display:none}' +
    'iframe{display:block;width:100%;height:100%;border:0}' +
    '[role]{position:absolute;inset:0;display:grid;place-content:center;justify-items:center;gap:1em;padding:1em;text-align:center;' +
    'background:var(--spotnana-embed-background,#fff);color:var(--spotnana-embed-color,#333)}' +
    'p{margin:0}',
);
