// The server half of the hydration tests: react-dom/server renders a page in Node, as a
// server-rendering framework would, and prints the HTML. The props come as JSON in argv[2]:
// with `app: 'travel'`, the single-page app of travel-app.tsx; otherwise <Booking>, where
// `provider: true` stands for a provider (a function never reaches the server's HTML).
/// <reference types="node" />
import { renderToString } from 'react-dom/server';
import { prerenderSpotnana } from '../../../src/react.js';
import { Booking, type BookingProps } from './booking.tsx';
import { TravelApp, type TravelAppProps } from './travel-app.tsx';

type Input =
  ({ app: 'travel' } & TravelAppProps) | ({ app?: undefined; provider?: boolean } & Omit<BookingProps, 'provider'>);
const input = JSON.parse(process.argv[2]!) as Input;

if (input.app === 'travel') {
  const props: TravelAppProps = input;
  // On the server (no DOM, no customElements) the helper does nothing, and returns a handle
  // that does nothing: a helper that touched the DOM here throws, and the page is not served.
  const handle = prerenderSpotnana({ embedUrl: props.embedUrl, tokenEndpoint: props.endpoint });
  handle.cancel();
  process.stdout.write(renderToString(<TravelApp {...props} />));
} else {
  const { provider, ...props } = input;
  const serverProvider = async () => {
    throw new Error('a provider runs in the browser only');
  };
  process.stdout.write(renderToString(<Booking {...props} provider={provider ? serverProvider : undefined} />));
}
