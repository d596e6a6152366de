// consumer/apps/docs/your-app.ts — what the README's snippets call "yours": an SMS
// gateway (here: a JSON line on stdout, which the doc test reads the code from) and a
// user store. The README's blocks import it as './your-app.js'.

export interface User {
  id: string;
  phone: string;
  name?: string;
}

/** Hands a text to "the SMS gateway". */
export async function sendSms(phone: string, message: string): Promise<void> {
  console.log(JSON.stringify({ sms: { phone, message } }));
}

const byPhone = new Map<string, User>();
const byId = new Map<string, User>();

export const users = {
  async findOrCreateByPhone(phone: string): Promise<User> {
    let user = byPhone.get(phone);
    if (!user) {
      user = { id: `user-${byPhone.size + 1}`, phone };
      byPhone.set(phone, user);
      byId.set(user.id, user);
    }
    return user;
  },
  get(id: string): User | undefined {
    return byId.get(id);
  },
  findByPhone(phone: string): User | undefined {
    return byPhone.get(phone);
  },
  async create(name: string, phone: string): Promise<User> {
    const user = { id: `user-${byPhone.size + 1}`, phone, name };
    byPhone.set(phone, user);
    byId.set(user.id, user);
    return user;
  },
  async setPhone(user: User, phone: string): Promise<void> {
    byPhone.delete(user.phone);
    user.phone = phone;
    byPhone.set(phone, user);
  },
};

/** Texts the old number that it was replaced (the README's onPhoneChanged). */
export async function notifyNumberChanged(oldPhone: string): Promise<void> {
  await sendSms(oldPhone, 'The phone number on your account was changed. If this was not you, contact support.');
}
