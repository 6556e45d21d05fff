// Stands for your own sign-in: replace both functions with your session and user lookups.
// Here the session is a cookie `session` that holds the user's token in your system, and
// the users are a table; the examples' tests sign in as these users.

const USERS = new Map([
  ['demo-token-alice', 'alice@example.com'],
  ['demo-token-bob', 'bob@example.com'],
]);

/** The signed-in user's token in your system, or nothing when no one is signed in. */
export function subjectTokenOf(request) {
  return /(?:^|;\s*)session=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
}

/** For Spotnana's user-detail call: the email of the user a token belongs to, or nothing. */
export function emailOfSubjectToken(token) {
  return USERS.get(token);
}
