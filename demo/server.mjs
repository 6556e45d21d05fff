// `npm start`: the demo host app on http://localhost:3000 with a Spotnana emulator beside it,
// so that the whole sequence runs offline. With SPOTNANA_ENV=sandbox (or production) and
// SPOTNANA_CLIENT_ID, SPOTNANA_CLIENT_SECRET, SPOTNANA_ORG_ID (and SPOTNANA_USER_DETAIL_URL,
// the public address of /api/user-detail that you registered with Spotnana) it talks to
// the real Spotnana instead. The client secret stays in this process.
//
// Other variables: PORT (default 3000, the parent origin Spotnana allows by default),
// EMULATOR_PORT (default 4000), DEMO_USER_EMAILS (two comma-separated emails of users
// that exist in your Spotnana org, for the real environments).
import { DEMO_USERS, startDemo } from './app.mjs';

const env = process.env.SPOTNANA_ENV || 'emulator';
const fail = (message) => {
  console.error(`demo: ${message}`);
  process.exit(1);
};
const warn = (message) => console.error(`demo: warning: ${message}`);

// Spotnana settings that would be silently ignored: a misspelt name, or credentials given
// without SPOTNANA_ENV (the demo then runs the local emulator, not the real Spotnana).
const SETTINGS = [
  'SPOTNANA_ENV',
  'SPOTNANA_CLIENT_ID',
  'SPOTNANA_CLIENT_SECRET',
  'SPOTNANA_ORG_ID',
  'SPOTNANA_USER_DETAIL_URL',
];
const given = Object.keys(process.env).filter((name) => /^SPOTNANA_/i.test(name));
for (const name of given.filter((name) => !SETTINGS.includes(name))) {
  const closest = SETTINGS.find((known) => distance(name.toUpperCase(), known) <= Math.max(2, known.length / 5));
  warn(`${name} is not a setting of the demo, so it is ignored${closest ? ` (did you mean ${closest}?)` : ''}.`);
}
const ignored = given.filter((name) => SETTINGS.includes(name) && name !== 'SPOTNANA_ENV');
if (env === 'emulator' && ignored.length) {
  warn(
    `${ignored.join(', ')} ${ignored.length > 1 ? 'are' : 'is'} ignored without SPOTNANA_ENV=sandbox or SPOTNANA_ENV=production: the demo runs the local Spotnana emulator.`,
  );
}

/** Levenshtein distance: how many one-letter edits turn `a` into `b`. */
function distance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

/** A port number from the environment: one line naming the variable when it is not one. */
const MAX_PORT = 65535;
function portSetting(name, fallback) {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > MAX_PORT)
    fail(`${name} must be a port number from 0 to ${MAX_PORT}, not ${JSON.stringify(value)}.`);
  return port;
}

let spotnana;
if (env === 'sandbox' || env === 'production') {
  const missing = ['SPOTNANA_CLIENT_ID', 'SPOTNANA_CLIENT_SECRET', 'SPOTNANA_ORG_ID'].filter(
    (name) => !process.env[name],
  );
  if (missing.length) fail(`SPOTNANA_ENV=${env} needs ${missing.join(', ')}`);
  spotnana = {
    env,
    clientId: process.env.SPOTNANA_CLIENT_ID,
    clientSecret: process.env.SPOTNANA_CLIENT_SECRET,
    orgId: process.env.SPOTNANA_ORG_ID,
    userDetailUrl: process.env.SPOTNANA_USER_DETAIL_URL,
  };
} else if (env !== 'emulator') {
  fail(`SPOTNANA_ENV must be sandbox, production or unset (the emulator), not ${JSON.stringify(env)}`);
}

let users = DEMO_USERS;
if (process.env.DEMO_USER_EMAILS) {
  const emails = process.env.DEMO_USER_EMAILS.split(',')
    .map((email) => email.trim())
    .filter(Boolean);
  users = emails.map((email, index) => ({
    id: `user${index + 1}`,
    name: email
      .split('@')[0]
      .replace(/[._-]+/g, ' ')
      .replace(/\b\w/g, (c) => c.toUpperCase()),
    email,
    team: 'Demo user',
  }));
}

const port = portSetting('PORT', 3000);
const emulatorPort = portSetting('EMULATOR_PORT', 4000);

let demo;
try {
  demo = await startDemo({ port, emulatorPort, users, spotnana, log: (line) => console.log(line) });
} catch (error) {
  if (error?.code === 'EADDRINUSE') {
    fail(
      `port ${port} is in use. Stop what runs there, or set PORT (Spotnana allows http://localhost:3000 by default; ` +
        'the local emulator is told the new origin, the real Spotnana is not).',
    );
  }
  throw error;
}

console.log(`\n  Acme demo with <spotnana-embed>: ${demo.url}/`);
console.log(`  signed in as ${users[0].email}; Ctrl-C stops everything\n`);

let stopping = false;
const stop = () => {
  if (stopping) process.exit(0);
  stopping = true;
  setTimeout(() => process.exit(0), 4000).unref();
  demo.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
