// `spotnana-embed/early-frame`: what a page (or a server render) needs to declare the early
// frame in its HTML: the iframe's exact URL and the early listener's script. No DOM, no Lit:
// safe to import on a server.
export { frameSrc, type FrameInput } from './config.js';
export { earlyListenerScript, type EarlyListenerOptions } from './early.js';
