/**
 * Task tokens. A token is opaque to callers, as on AWS, but carries a checksum so the engine can tell
 * garbage (`InvalidToken`) from a well-formed token it never issued (`TaskDoesNotExist`), and it
 * remembers every token it issued so a late or repeated answer gets `TaskTimedOut`.
 */
import { createHash } from 'node:crypto';
import { InvalidToken, TaskDoesNotExist, TaskTimedOut } from './errors';
import { type Random, randomBytes } from './random';

const PREFIX = 'AQ';
const BODY_BYTES = 48;
const CHECK_BYTES = 6;

export interface TaskTokenTarget {
  executionArn: string;
  /** Which attempt of the task the token belongs to; a token outlives nothing but its attempt. */
  attempt: number;
}

interface Entry extends TaskTokenTarget {
  open: boolean;
}

export class TaskTokens {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly random: Random) {}

  mint(target: TaskTokenTarget): string {
    for (;;) {
      const body = randomBytes(this.random, BODY_BYTES);
      const token = `${PREFIX}${Buffer.concat([body, checksum(body)]).toString('base64url')}`;
      if (this.entries.has(token)) continue;
      this.entries.set(token, { ...target, open: true });
      return token;
    }
  }

  /** The open task a token answers; throws the API error AWS returns otherwise. */
  resolve(token: unknown): TaskTokenTarget {
    if (typeof token !== 'string' || !isWellFormed(token)) throw new InvalidToken('Invalid token');
    const entry = this.entries.get(token);
    if (!entry) throw new TaskDoesNotExist('Task does not exist anymore');
    if (!entry.open) throw new TaskTimedOut('Task Timed Out');
    return { executionArn: entry.executionArn, attempt: entry.attempt };
  }

  close(token: string): void {
    const entry = this.entries.get(token);
    if (entry) entry.open = false;
  }

  /** Every open token of an execution, e.g. when it stops. */
  closeAll(executionArn: string): void {
    for (const entry of this.entries.values()) if (entry.executionArn === executionArn) entry.open = false;
  }

  /** For snapshots: every token issued, in issue order. */
  export(): Array<[string, Entry]> {
    return [...this.entries.entries()].map(([token, entry]) => [token, { ...entry }]);
  }

  import(entries: Array<[string, Entry]>): void {
    for (const [token, entry] of entries) this.entries.set(token, { ...entry });
  }
}

function checksum(body: Buffer): Buffer {
  return createHash('sha256').update(body).digest().subarray(0, CHECK_BYTES);
}

function isWellFormed(token: string): boolean {
  if (!token.startsWith(PREFIX) || !/^[A-Za-z0-9_-]+$/.test(token.slice(PREFIX.length))) return false;
  const bytes = Buffer.from(token.slice(PREFIX.length), 'base64url');
  if (bytes.length !== BODY_BYTES + CHECK_BYTES) return false;
  return checksum(bytes.subarray(0, BODY_BYTES)).equals(bytes.subarray(BODY_BYTES));
}
