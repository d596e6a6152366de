// demo/src/users.ts
// The demo's user table: in memory, keyed by phone number. A user is made on first
// sign-in, or by the sign-up form from a phone proof; the account page changes the number.

import { randomBytes, randomUUID } from 'node:crypto';

export interface DemoUser {
  id: string;
  /** E.164 */
  phone: string;
  /** What the sign-up form asked; absent for someone who signed in first. */
  name?: string;
  createdAt: number;
}

/** Recovery codes per account: 8 of them, `xxxxx-xxxxx` (hex), 40 random bits each. */
const RECOVERY_CODES = 8;

export class DemoUsers {
  private readonly byPhone = new Map<string, DemoUser>();
  private readonly recovery = new Map<string, string[]>();

  findOrCreate(phone: string): DemoUser {
    let user = this.byPhone.get(phone);
    if (!user) {
      user = { id: randomUUID(), phone, createdAt: Date.now() };
      this.byPhone.set(phone, user);
    }
    return user;
  }

  /** A new account for a proven number, or undefined when the number already has one. */
  create(name: string, phone: string): DemoUser | undefined {
    if (this.byPhone.has(phone)) return undefined;
    const user: DemoUser = { id: randomUUID(), phone, name, createdAt: Date.now() };
    this.byPhone.set(phone, user);
    return user;
  }

  /**
   * Moves `user` to a proven `phone`: false when another account has it. The user may
   * be a session's copy (another process made it), so the table is keyed afresh.
   */
  setPhone(user: DemoUser, phone: string): boolean {
    const owner = this.byPhone.get(phone);
    if (owner && owner.id !== user.id) return false;
    if (this.byPhone.get(user.phone)?.id === user.id) this.byPhone.delete(user.phone);
    const moved = { ...user, phone };
    this.byPhone.set(phone, moved);
    return true;
  }

  /** The account's recovery codes, made on first look; `renew` replaces them (the old ones stop working). */
  recoveryCodes(user: DemoUser, renew = false): string[] {
    let codes = this.recovery.get(user.id);
    if (!codes || renew) {
      codes = Array.from({ length: RECOVERY_CODES }, () => {
        const hex = randomBytes(5).toString('hex');
        return `${hex.slice(0, 5)}-${hex.slice(5)}`;
      });
      this.recovery.set(user.id, codes);
    }
    return codes;
  }
}
