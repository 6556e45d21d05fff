// The element's views, as DOM: the loading view, the error view and the slot that shows an
// adopted early frame. They are two short, static pieces of markup, so they are built by
// hand rather than by a template engine: the CDN file then carries Lit's reactive base
// class only, and no Trusted Types policy is needed (no HTML is parsed from strings).

const LOADING_TEXT = 'Loading Spotnana…';
const ERROR_HEADING = 'Spotnana could not be loaded.';
const RETRY_LABEL = 'Try again';

/** An element with its attributes and children. */
function create(tag: string, attributes: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** `role="status"`: an indeterminate progress bar and a line of text, replaceable through the `loading` slot. */
export function loadingView(): HTMLElement {
  const fallback = create('slot', { name: 'loading' }, create('progress'), LOADING_TEXT);
  return create('div', { part: 'loading', role: 'status' }, fallback);
}

/** `role="alert"`: the message and a retry button, replaceable through the `error` slot. */
export function errorView(message: string, onRetry: () => void): HTMLElement {
  const retry = create('button', { part: 'retry' }, RETRY_LABEL);
  retry.addEventListener('click', onRetry);
  const fallback = create(
    'slot',
    { name: 'error' },
    create('p', {}, create('strong', {}, ERROR_HEADING)),
    create('p', {}, message),
    retry,
  );
  return create('div', { part: 'error', role: 'alert' }, fallback);
}

/** Where an adopted early frame (which stays in the light DOM) is shown. */
export function frameSlot(): HTMLElement {
  return create('slot', { name: 'frame' });
}
