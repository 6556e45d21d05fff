import { css } from 'lit';

// A plain page with no CSS around the element still shows a usable embed: a block box,
// full width, 600px high unless the host says otherwise.
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
  iframe {
    display: block;
    width: 100%;
    height: 100%;
    border: 0;
  }
  [part='loading'],
  [part='error'] {
    position: absolute;
    inset: 0;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 0.75em;
    padding: 1em;
    overflow: auto;
    text-align: center;
    background: var(--spotnana-embed-background, #fff);
    color: var(--spotnana-embed-color, #333);
  }
  .spinner {
    display: block;
    margin: 0 auto 0.75em;
    width: 2em;
    height: 2em;
    border: 0.25em solid #ccd;
    border-top-color: #36c;
    border-radius: 50%;
    animation: spin 1s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation: none;
    }
  }
  p {
    margin: 0;
    max-width: 40em;
  }
  [part='retry'] {
    font: inherit;
    padding: 0.4em 1.2em;
    border: 1px solid currentColor;
    border-radius: 0.3em;
    background: transparent;
    color: inherit;
    cursor: pointer;
  }
`;
