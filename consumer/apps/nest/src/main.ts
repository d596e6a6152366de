// consumer/apps/nest/src/main.ts — NestJS with @nestjs/passport's PassportStrategy mixin
// and its default arguments, as Nest's own docs write a strategy: `validate(phone)`.

import 'reflect-metadata';
import { Controller, Get, Injectable, Module, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PassportModule, PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import session from 'express-session';
import passport from 'passport';
import { localProvider, phoneVerifyRouter, PhoneVerifyStrategy } from '@phone-verify/server-plugin';

interface User {
  id: string;
}

@Injectable()
class PhoneStrategy extends PassportStrategy(PhoneVerifyStrategy) {
  constructor() {
    super({
      provider: localProvider({ sender: (phone, message) => console.log(JSON.stringify({ sms: { phone, message } })) }),
      allowedCountries: ['GB'],
    });
  }

  async validate(phone: string): Promise<User> {
    return { id: `user-${phone.slice(-4)}` };
  }
}

@Controller()
class MeController {
  @Get('me')
  me(@Req() req: Request): { user: unknown } {
    return { user: req.user ?? null };
  }
}

@Module({ imports: [PassportModule.register({ session: true })], controllers: [MeController], providers: [PhoneStrategy] })
class AppModule {}

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
passport.serializeUser((user, done) => done(null, user));
passport.deserializeUser((user: User, done) => done(null, user));
app.use(session({ secret: 'consumer fixture', resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto' } }));
app.use(passport.session());
app.use('/auth/phone', phoneVerifyRouter(app.get(PhoneStrategy)));
await app.listen(0, '127.0.0.1');
const address = app.getHttpServer().address() as { port: number };
console.log(JSON.stringify({ listening: address.port }));
