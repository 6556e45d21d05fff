// The early listener, inline in the head: it keeps the frame's first messages until the
// element's script has run, so that the iframe may load as early as the HTML (`earlyFrame`
// in travel.tsx). With a Content-Security-Policy, allow this script by its hash.
import type { ReactNode } from 'react';
import { earlyListenerScript } from 'spotnana-embed/early-frame';

export const metadata = { title: 'Acme travel' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <script dangerouslySetInnerHTML={{ __html: earlyListenerScript() }} />
      </head>
      <body style={{ margin: 0, fontFamily: 'system-ui, sans-serif' }}>{children}</body>
    </html>
  );
}
