#!/usr/bin/env node
// spotnana-embed-emulator [--port 4000] [--host 127.0.0.1] [--user-detail-url URL]
//   [--client-id demo-client] [--client-secret demo-secret]
//   [--allowed-origin ORIGIN]... [--org ID]... [--user EMAIL]... [--allowed-host NAME]...
//   [--reject-next-exchange] [--reject-tokens] [--silent-frame] [--boot-delay MS] [--ask-again-after MS]
// First stdout line: "Spotnana emulator listening on http://<host>:<port>". SIGINT or
// SIGTERM closes the listener and exits 0.
import { parseArgs } from 'node:util';
import { DEFAULTS, startEmulator } from './emulator.js';

const USAGE = `Usage: spotnana-embed-emulator [options]

A local stand-in for Spotnana: the token API and the embed app on one origin.

Options:
  --port N                 port to listen on (default 4000; 0 picks a free port)
  --host HOST              address to listen on (default ${DEFAULTS.host})
  --user-detail-url URL    your "get user detail" API (without it every token exchange fails)
  --client-id ID           client id to accept (default ${DEFAULTS.clientId})
  --client-secret SECRET   client secret to accept (default ${DEFAULTS.clientSecret})
  --allowed-origin ORIGIN  parent page origin the embed app talks to; repeat for more
                           (default ${DEFAULTS.allowedOrigins[0]})
  --org ID                 an org id the embed app accepts; repeat for more
                           (default ${DEFAULTS.orgs[0]}; another org gets UNKNOWN_ORG)
  --user EMAIL             a known user; repeat for more (default: every email is known)
  --allowed-host NAME      another host name to answer to, beside localhost, 127.0.0.1,
                           [::1] and --host; repeat for more (any other Host gets 421)

Scenarios (how it misbehaves, for testing your app; default: it does not):
  --reject-next-exchange   answer the first token exchange with 400 invalid_grant
  --reject-tokens          the embed app answers every token set with INVALID_TOKEN
  --silent-frame           the embed app never asks for tokens
  --boot-delay MS          the embed app waits MS milliseconds before it asks
  --ask-again-after MS     the embed app asks again MS milliseconds after signing in
  -h, --help               show this help
`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '4000' },
      host: { type: 'string', default: DEFAULTS.host },
      'user-detail-url': { type: 'string' },
      'client-id': { type: 'string', default: DEFAULTS.clientId },
      'client-secret': { type: 'string', default: DEFAULTS.clientSecret },
      'allowed-origin': { type: 'string', multiple: true },
      org: { type: 'string', multiple: true },
      user: { type: 'string', multiple: true },
      'allowed-host': { type: 'string', multiple: true },
      'reject-next-exchange': { type: 'boolean' },
      'reject-tokens': { type: 'boolean' },
      'silent-frame': { type: 'boolean' },
      'boot-delay': { type: 'string' },
      'ask-again-after': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port must be a port number, not ${JSON.stringify(values.port)}\n`);
  process.exit(2);
}

/** A delay option as a number; the emulator checks its range. */
const milliseconds = (name: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    process.stderr.write(`--${name} must be a whole number of milliseconds, not ${JSON.stringify(value)}\n`);
    process.exit(2);
  }
  return Number(value);
};
const scenario = {
  rejectNextExchange: values['reject-next-exchange'],
  rejectTokens: values['reject-tokens'],
  silentFrame: values['silent-frame'],
  bootDelay: milliseconds('boot-delay', values['boot-delay']),
  askAgainAfter: milliseconds('ask-again-after', values['ask-again-after']),
};

const startupLines: string[] = [];
let started = false;
const log = (line: string) => {
  // The first stdout line is the listening line; what is logged while starting follows it.
  if (started) process.stdout.write(`${line}\n`);
  else startupLines.push(line);
};

try {
  const emulator = await startEmulator({
    port,
    host: values.host,
    userDetailUrl: values['user-detail-url'],
    clientId: values['client-id'],
    clientSecret: values['client-secret'],
    allowedOrigins: values['allowed-origin'],
    orgs: values.org,
    users: values.user,
    allowedHosts: values['allowed-host'],
    scenario,
    log,
  });
  process.stdout.write(`Spotnana emulator listening on ${emulator.url}\n`);
  started = true;
  for (const line of startupLines) process.stdout.write(`${line}\n`);

  const stop = () => {
    // Exit 0 within 5 s whatever happens.
    setTimeout(() => process.exit(0), 4000).unref();
    emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  process.stderr.write(`spotnana-embed-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
