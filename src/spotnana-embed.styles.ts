import { css } from './constant-css.js';

// A plain page with no CSS around the element still shows a finished embed: a block box,
// full width, 600px high unless the host says otherwise. The loading and error views (the
// only elements with a role) cover the frame until the tokens are sent; the loading view's
// spinner is the browser's own indeterminate <progress>.
//
// The views use the system UI font, not the page's: a plain page's default is a serif, which
// reads poorly in a short status message. Hosts theme them through custom properties:
//   --spotnana-embed-font        font family of the loading and error views
//   --spotnana-embed-background  --spotnana-embed-color  --spotnana-embed-muted
//   --spotnana-embed-accent      the retry button and the progress bar
// Default colours keep a contrast of at least 4.5:1 (WCAG AA) on the default background.
//
// Written for readers; the CDN build minifies it (rollup.config.mjs).
export const styles = css`
  :host {
    display: block;
    position: relative;
    box-sizing: border-box;
    width: 100%;
    height: var(--spotnana-embed-height, 600px);
  }

  :host([hidden]) {
    display: none;
  }

  /* The element's own frame, and the page's early frame it adopted (which stays in the light DOM). */
  iframe,
  ::slotted(iframe) {
    display: block;
    width: 100%;
    height: 100%;
    border: 0;
  }

  [role] {
    position: absolute;
    inset: 0;
    display: grid;
    place-content: center;
    justify-items: center;
    gap: 0.75em;
    padding: 1.5em;
    text-align: center;
    /* system-ui is in every browser the element supports (Chrome 100, Firefox 97, Safari 15.4). */
    font: 15px/1.5 var(--spotnana-embed-font, system-ui, sans-serif);
    background: var(--spotnana-embed-background, #fff);
    color: var(--spotnana-embed-color, #1f2328);
  }

  p {
    margin: 0;
    max-width: 36em;
  }

  strong {
    font-size: 1.15em;
    font-weight: 600;
  }

  [part='error']::before {
    content: '!' / '';
    display: grid;
    place-items: center;
    width: 2.25em;
    height: 2.25em;
    border-radius: 50%;
    background: #fde7e9;
    color: #b3261e;
    font-weight: 700;
    font-size: 1.2em;
  }

  [part='error'] p + p {
    color: var(--spotnana-embed-muted, #57606a);
  }

  button {
    margin-top: 0.25em;
    padding: 0.5em 1.25em;
    border: 0;
    border-radius: 6px;
    background: var(--spotnana-embed-accent, #0b57d0);
    color: #fff;
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }

  button:hover {
    filter: brightness(1.12);
  }

  button:focus-visible {
    outline: 2px solid var(--spotnana-embed-accent, #0b57d0);
    outline-offset: 2px;
  }

  progress {
    width: 10em;
    accent-color: var(--spotnana-embed-accent, #0b57d0);
  }
`;
