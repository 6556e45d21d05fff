// The one fixture for "Spotnana on this machine": the emulator, and the host's user-detail
// API (step 3) that it calls, both real servers on loopback. Shared by the node tests of
// spotnana-embed/server, the emulator, the runtime matrix and the recipes.
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.ts';
import { createUserDetailHandler } from '../../src/server/index.ts';
import { serveFetch, type Running } from './servers.ts';

export const FIXTURE_CLIENT_ID = 'fixture-client';
export const FIXTURE_CLIENT_SECRET = 'fixture-secret-5e6f7a8b9c0d';
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
/** Where the user-detail API listens on its server. */
export const USER_DETAIL_PATH = '/api/user-detail';

export interface SpotnanaFixtureOptions extends Omit<EmulatorOptions, 'userDetailUrl' | 'port' | 'host'> {
  /** The host's users: subject token -> email, answered by the user-detail API. */
  subjects?: Readonly<Record<string, string>>;
  /** Answers a user-detail request itself, or returns nothing to let the standard handler answer. */
  userDetail?: (request: Request) => Response | undefined | Promise<Response | undefined>;
}

export interface UserDetailCall {
  authorization: string | null;
  method: string;
}

export interface SpotnanaFixture {
  emulator: RunningEmulator;
  /** The user-detail server (its API is at `userDetailUrl`). */
  userDetail: Running;
  userDetailUrl: string;
  /** Every request the user-detail API received, in order; clear it with `.length = 0`. */
  userDetailCalls: UserDetailCall[];
  clientId: string;
  clientSecret: string;
  /** The form of step 2 for `subjectToken`, with this fixture's client. */
  exchangeForm(subjectToken: string): Record<string, string>;
  close(): Promise<void>;
}

/** Starts the user-detail API, then the emulator that calls it. */
export async function startSpotnana(options: SpotnanaFixtureOptions = {}): Promise<SpotnanaFixture> {
  const { subjects = {}, userDetail: custom, ...emulatorOptions } = options;
  const clientId = options.clientId ?? FIXTURE_CLIENT_ID;
  const clientSecret = options.clientSecret ?? FIXTURE_CLIENT_SECRET;
  const userDetailCalls: UserDetailCall[] = [];
  const standard = createUserDetailHandler({ getEmail: (token) => subjects[token] });
  const userDetail = await serveFetch(async (request) => {
    userDetailCalls.push({ authorization: request.headers.get('authorization'), method: request.method });
    return (await custom?.(request)) ?? standard(request);
  });
  const userDetailUrl = `${userDetail.url}${USER_DETAIL_PATH}`;
  const emulator = await startEmulator({ ...emulatorOptions, clientId, clientSecret, userDetailUrl });
  return {
    emulator,
    userDetail,
    userDetailUrl,
    userDetailCalls,
    clientId,
    clientSecret,
    exchangeForm: (subjectToken) => ({
      grant_type: TOKEN_EXCHANGE_GRANT,
      client_id: clientId,
      client_secret: clientSecret,
      subject_token: subjectToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      scope: 'openid',
    }),
    async close() {
      await emulator.close();
      await userDetail.close();
    },
  };
}
