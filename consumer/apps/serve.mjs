// consumer/apps/serve.mjs — `node serve.mjs <dist folder>`: the built page of one fixture
// app and the plugin's router on one origin (Express 5, as installed from the tarball).
// Each text message is printed as a JSON line, so the test reads the code from stdout.

import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { localProvider, phoneVerifyRouter, PhoneVerifyStrategy } from '@phone-verify/server-plugin';

const [dist] = process.argv.slice(2);
const strategy = new PhoneVerifyStrategy(
  {
    provider: localProvider({ sender: (phone, message) => console.log(JSON.stringify({ sms: { phone, message } })) }),
    allowedCountries: ['GB'],
  },
  async (phone) => ({ id: `user-${phone.slice(-4)}` }),
);
passport.use(strategy);
passport.serializeUser((user, done) => done(null, user));
passport.deserializeUser((user, done) => done(null, user));

const app = express();
app.use(session({ secret: 'consumer fixture', resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto' } }));
app.use(passport.session());
app.use('/auth/phone', phoneVerifyRouter(strategy, { successRedirect: '/elsewhere' }));
app.get('/me', (req, res) => res.json({ user: req.user ?? null }));
// Chromium asks for a favicon after each load; a 404 there showed up as a console error in the checks.
app.get('/favicon.ico', (_req, res) => void res.status(204).end());
app.get('/elsewhere', (_req, res) => res.type('html').send('<!doctype html><link rel="icon" href="data:,"><title>elsewhere</title><p>Redirected</p>'));
app.use(express.static(dist));
const server = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ listening: server.address().port })));
