// demo/src/users.ts
// The demo's user table: in memory, keyed by phone number, a user made on first sign-in.

import { randomUUID } from 'node:crypto';

export interface DemoUser {
  id: string;
  /** E.164 */
  phone: string;
  createdAt: number;
}

export class DemoUsers {
  private readonly byPhone = new Map<string, DemoUser>();

  findOrCreate(phone: string): DemoUser {
    let user = this.byPhone.get(phone);
    if (!user) {
      user = { id: randomUUID(), phone, createdAt: Date.now() };
      this.byPhone.set(phone, user);
    }
    return user;
  }
}
