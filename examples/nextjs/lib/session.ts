// A stand-in for your app's own sign-in: the user's token in your system is the `session`
// cookie. Replace both functions with your session store.
const DEMO_USERS: Record<string, string> = {
  'demo-session-alice': 'alice@example.com',
};

/** The signed-in user's token in your system, or nothing when no one is signed in. */
export function sessionToken(request: Request): string | undefined {
  for (const pair of (request.headers.get('cookie') ?? '').split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === 'session') return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** The email of the user a session token belongs to (what Spotnana asks your user-detail API). */
export function emailOf(token: string): string | undefined {
  return DEMO_USERS[token];
}
