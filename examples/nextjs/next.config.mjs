/** @type {import('next').NextConfig} */
const config = {
  // As a new app has them (create-next-app, Next's advice for new projects): a prerendered
  // static shell for every route, and run-time data only inside <Suspense> or in routes that
  // allow blocking (see app/page.tsx).
  cacheComponents: true,
  partialPrefetching: true,
};

export default config;
