// consumer/apps/express4/server.cjs — Express 4 from CommonJS: the plugin is an ES
// module, and require() loads it (Node 20.19+), types and all, through its `require` entry.
'use strict';

const express = require('express');
const session = require('express-session');
const passport = require('passport');
const { localProvider, phoneVerifyRouter, PhoneVerifyStrategy } = require('@phone-verify/server-plugin');

const strategy = new PhoneVerifyStrategy(
  {
    provider: localProvider({ sender: (phone, message) => console.log(JSON.stringify({ sms: { phone, message } })) }),
    allowedCountries: ['GB'],
  },
  (phone, done) => done(null, { id: `user-${phone.slice(-4)}` }),
);
passport.use(strategy);
passport.serializeUser((user, done) => done(null, user));
passport.deserializeUser((user, done) => done(null, user));

const app = express();
app.use(session({ secret: 'consumer fixture', resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto' } }));
app.use(passport.session());
app.use('/auth/phone', phoneVerifyRouter(strategy));
app.get('/me', (req, res) => res.json({ user: req.user || null, express: require('express/package.json').version }));
const server = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ listening: server.address().port })));
