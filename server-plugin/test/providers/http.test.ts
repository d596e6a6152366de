import { describe, expect, it } from 'vitest';
import { HttpClient, pickLanguage, retryAfterSeconds, scrub, timeoutMs } from '../../src/providers/http.js';
import { LogSpy } from './helpers.js';

describe('provider http helpers', () => {
  it('masks phone numbers in provider text before it is logged', () => {
    expect(scrub('Number +447400123456 is not allowed; 4915123456789 neither')).toBe('Number +********3456 is not allowed; +*********6789 neither');
    expect(scrub('code 10016 and id 12ade33a-21c0-473b')).toBe('code 10016 and id 12ade33a-21c0-473b');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterSeconds(new Headers({ 'retry-after': '12' }))).toBe(12);
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    expect(retryAfterSeconds(new Headers({ 'retry-after': inTwoMinutes }))).toBeGreaterThanOrEqual(119);
    expect(retryAfterSeconds(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterSeconds(new Headers())).toBeUndefined();
  });

  it('validates baseUrl and timeout', () => {
    const config = { provider: 'x', baseUrl: 'ftp://host', timeoutMs: 1000, logger: new LogSpy(), headers: {} };
    expect(() => new HttpClient(config)).toThrow(/baseUrl/);
    expect(timeoutMs('x', undefined)).toBe(10_000);
    expect(timeoutMs('x', 0.3)).toBe(300);
    expect(() => timeoutMs('x', -1)).toThrow(/timeout/);
  });

  it('picks a provider language for a BCP 47 locale', () => {
    const list = ['de-de', 'en-gb', 'en-us', 'pt-br', 'pt-pt'];
    expect(pickLanguage('en_US', list)).toBe('en-us');
    expect(pickLanguage('de-AT', list)).toBe('de-de');
    expect(pickLanguage('pt', list, { pt: 'pt-pt' })).toBe('pt-pt');
    expect(pickLanguage('fi', list)).toBeUndefined();
    expect(pickLanguage(undefined, list)).toBeUndefined();
  });
});

describe('scrub', () => {
  it('should mask numbers and remove an echoed code before a provider text is logged', () => {
    const text = 'Code 028865 is not valid for +447400123456 (error 10015)';
    expect(scrub(text, '028865')).toBe('Code [code] is not valid for +********3456 (error 10015)');
    expect(scrub(text)).not.toContain('447400123456');
  });
});
