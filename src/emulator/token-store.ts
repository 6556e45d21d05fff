// The emulator's memory of the tokens it issued: opaque, random, unguessable strings
// (32 bytes of crypto.randomBytes), each with its kind, its user and its expiry.
import { randomBytes } from 'node:crypto';

export type TokenKind = 'access' | 'refresh';
export type Grant = 'token-exchange' | 'client-credentials';

export interface TokenRecord {
  kind: TokenKind;
  grant: Grant;
  /** The user of a token-exchange grant. */
  email?: string;
  expiresAt: number;
}

export class TokenStore {
  #tokens = new Map<string, TokenRecord>();

  issue(record: TokenRecord): string {
    this.#prune();
    const token = randomBytes(32).toString('base64url');
    this.#tokens.set(token, record);
    return token;
  }

  /** The record of an unexpired token issued here, or undefined. */
  find(token: string): TokenRecord | undefined {
    const record = this.#tokens.get(token);
    if (record && record.expiresAt <= Date.now()) {
      this.#tokens.delete(token);
      return undefined;
    }
    return record;
  }

  clear(): void {
    this.#tokens.clear();
  }

  #prune(): void {
    const now = Date.now();
    for (const [token, record] of this.#tokens) if (record.expiresAt <= now) this.#tokens.delete(token);
  }
}
