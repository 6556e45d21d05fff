// The server half of the hydration tests: react-dom/server renders <Booking> in Node, as a
// server-rendering framework would, and prints the HTML. The props come as JSON in argv[2];
// `provider: true` stands for a provider (a function never reaches the server's HTML).
/// <reference types="node" />
import { renderToString } from 'react-dom/server';
import { Booking, type BookingProps } from './booking.tsx';

const { provider, ...props } = JSON.parse(process.argv[2]!) as Omit<BookingProps, 'provider'> & { provider?: boolean };
const serverProvider = async () => {
  throw new Error('a provider runs in the browser only');
};
process.stdout.write(renderToString(<Booking {...props} provider={provider ? serverProvider : undefined} />));
