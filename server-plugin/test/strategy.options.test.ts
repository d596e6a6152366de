// PhoneVerifyStrategy: construction, name and options (passport-local's strategy.options / strategy.test).

import { Passport } from 'passport';
import { describe, expect, it } from 'vitest';
import { localProvider, PhoneVerifyConfigError, PhoneVerifyStrategy, VerificationService } from '../src/index.js';

const options = () => ({ provider: localProvider({ sender: () => {} }), allowedCountries: ['GB'] as const });

describe('PhoneVerifyStrategy', () => {
  describe('when constructed without a verify function', () => {
    it('should throw a TypeError', () => {
      // @ts-expect-error: the test leaves verify out on purpose.
      expect(() => new PhoneVerifyStrategy(options())).toThrow(new TypeError('PhoneVerifyStrategy requires a verify function'));
    });

    it('should throw a TypeError when verify is not a function', () => {
      // @ts-expect-error: the test passes a wrong type on purpose.
      expect(() => new PhoneVerifyStrategy(options(), 'verify')).toThrow(TypeError);
    });
  });

  describe('when constructed with bad options', () => {
    it('should throw the PhoneVerifyConfigError of the options', () => {
      expect(() => new PhoneVerifyStrategy({ ...options(), codeLength: 4 }, async () => false)).toThrow(
        expect.objectContaining({ name: 'PhoneVerifyConfigError', code: 'ERR_PV_CODE_LENGTH' }),
      );
      expect(() => new PhoneVerifyStrategy({ ...options(), allowedCountries: [] }, async () => false)).toThrow(PhoneVerifyConfigError);
    });
  });

  describe('when constructed', () => {
    const strategy = new PhoneVerifyStrategy({ ...options(), codeLength: 8, ttl: 120 }, async () => false);

    it("should be named 'phone-verify'", () => {
      expect(strategy.name).toBe('phone-verify');
    });

    it('should own a service built from the options', () => {
      expect(strategy.service).toBeInstanceOf(VerificationService);
      expect(strategy.service.describe()).toMatchObject({ codeLength: 8, expiresIn: 120, countries: [{ country: 'GB', callingCode: '44' }] });
    });

    it('should have an authenticate method, as Passport requires', () => {
      expect(typeof (strategy as unknown as { authenticate: unknown }).authenticate).toBe('function');
    });

    it('should register under its name with passport.use(strategy)', () => {
      const passport = new Passport();
      passport.use(strategy);
      expect((passport as unknown as { _strategy(name: string): unknown })._strategy('phone-verify')).toBe(strategy);
    });
  });
});
