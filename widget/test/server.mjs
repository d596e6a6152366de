// widget/test/server.mjs
// A real Express app around the built server plugin, for the widget's browser tests:
// several routers with different settings, an outbox the tests read codes from, and
// a clock they can move. Started and proxied by web-test-runner.config.mjs.

import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { localProvider, PhoneVerifyError, PhoneVerifyStrategy, phoneVerifyRouter } from '@phone-verify/server-plugin';

const quietLogger = { info() {}, warn() {}, error() {} };

/** Every test sends from one address to a few numbers: send limits far above what a run uses (the server tests cover the limits). */
const roomy = {
  perPhone: [{ points: 10_000, duration: 3600 }],
  perIp: [{ points: 10_000, duration: 3600 }],
  perPrefix: [{ points: 10_000, duration: 3600 }],
  global: [{ points: 100_000, duration: 3600 }],
  // The engines run one after another on this one server: their wrong codes for the same few
  // numbers would add up to the graduated lock (the server tests cover it).
  failures: { points: 100_000, duration: 86_400, every: 100_000, waits: [60] },
};

export async function startTestServer() {
  /** @type {{ phone: string, text: string, channel: string, endpoint: string }[]} */
  const outbox = [];
  const users = new Map();
  let offset = 0;
  const clock = () => Date.now() + offset * 1000;
  const sessions = new session.MemoryStore();

  const app = express();
  app.use(session({ secret: 'widget tests', resave: false, saveUninitialized: false, name: 'pv.sid', store: sessions }));

  /** One router with its own strategy and Passport instance (they all share the name 'phone-verify'). */
  function mount(path, { channels = ['sms', 'voice'], router = {}, delay = 0, telegramUsers, ...options } = {}) {
    const sender = async (phone, text, channel) => {
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      // Like Telegram Gateway: a number that is not on Telegram cannot be sent to there.
      if (channel === 'telegram' && !telegramUsers?.includes(phone)) throw new PhoneVerifyError('channel_unavailable', 'Not a Telegram user.');
      outbox.push({ phone, text, channel, endpoint: path });
    };
    const strategy = new PhoneVerifyStrategy(
      {
        provider: localProvider({ sender, channels }),
        allowedCountries: ['GB', 'DE', 'US'],
        logger: quietLogger,
        limits: roomy,
        // Three engines send to the same few numbers and sign in rarely: the conversion breaker
        // would close their range halfway through the run (the server tests cover it).
        breaker: { enabled: false },
        ...options,
      },
      async (phone) => {
        let user = users.get(phone);
        if (!user) users.set(phone, (user = { id: `u${users.size + 1}`, phone }));
        return user;
      },
    );
    const passport = new Passport();
    passport.use(strategy);
    passport.serializeUser((user, done) => done(null, user.phone));
    passport.deserializeUser((phone, done) => done(null, users.get(phone) ?? false));
    app.use(path, passport.session(), phoneVerifyRouter(strategy, { passport, summarize: (u) => ({ id: u.id }), ...router }));
  }

  mount('/auth/phone', { resendAfter: 30 });
  mount('/auth/fast', { resendAfter: 1, channels: ['sms', 'voice', 'whatsapp'], defaultCountry: 'DE' });
  mount('/auth/strict', { resendAfter: 1, maxAttempts: 2, ttl: 60, clock });
  mount('/auth/slow', { delay: 1500 });
  mount('/auth/redirect', { router: { successRedirect: '/signed-in' } });
  mount('/auth/flashcall', { resendAfter: 1, channels: ['flashcall', 'sms'] });
  mount('/auth/telegram', { resendAfter: 1, channels: ['telegram', 'sms'], telegramUsers: ['+447400123456'] });
  // The verify intent: a phone proof instead of a sign-in (audience: the page's origin).
  mount('/auth/proof', { resendAfter: 1, proof: { secret: 'widget tests sign proofs with this 32+ byte key' } });
  // Step-up: the number comes from the signed-in account.
  mount('/auth/stepup', { resendAfter: 1, router: { phoneOf: (user) => user.phone } });

  app.get('/__test/outbox', (req, res) => {
    const phone = String(req.query.phone ?? '');
    const messages = outbox.filter((m) => m.phone === phone);
    const message = messages.at(-1) ?? null;
    const code = message?.text.match(/\b(\d{6,10})\b/)?.[1] ?? message?.text.match(/\d(?: \d){5,9}/)?.[0].replace(/ /g, '') ?? null;
    res.set('Cache-Control', 'no-store').json({ message, code, count: messages.length });
  });
  app.post('/__test/reset', (_req, res) => {
    outbox.length = 0;
    offset = 0;
    sessions.clear(() => res.json({ ok: true }));
  });
  app.post('/__test/advance', express.json(), (req, res) => {
    offset += Number(req.body?.seconds ?? 0);
    res.json({ offset });
  });

  const server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  return { server, port: server.address().port, outbox };
}
