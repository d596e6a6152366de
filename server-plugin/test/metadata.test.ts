// server-plugin/test/metadata.test.ts
// GET /metadata: libphonenumber-js metadata trimmed to the allowed countries, still
// good for reading and formatting their numbers, and cached by browsers.

import { AsYouType, parsePhoneNumberFromString, type MetadataJson } from 'libphonenumber-js/core';
import minMetadata from 'libphonenumber-js/metadata.min.json';
import mobileMetadata from 'libphonenumber-js/metadata.mobile.json';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { metadataAnswers, trimMetadata } from '../src/metadata.js';
import { createTestApp } from './harness.js';

const asJson = (metadata: object) => metadata as MetadataJson;

describe('trimMetadata', () => {
  it('should keep only the allowed countries, each calling code with its main country first', () => {
    const trimmed = trimMetadata(minMetadata, ['GB', 'DE', 'US']);
    expect(Object.keys(trimmed.countries).sort()).toEqual(['DE', 'GB', 'US']);
    expect(trimmed.country_calling_codes).toEqual({ '1': ['US'], '44': ['GB'], '49': ['DE'] });
    expect(trimmed.version).toBe(minMetadata.version);
    expect(trimmed.nonGeographic).toBeUndefined();
  });

  it('should keep the main country of a calling code when only a smaller territory is allowed', () => {
    const trimmed = trimMetadata(minMetadata, ['JE', 'CA']);
    expect(trimmed.country_calling_codes).toEqual({ '1': ['US', 'CA'], '44': ['GB', 'JE'] });
    expect(Object.keys(trimmed.countries).sort()).toEqual(['CA', 'GB', 'JE', 'US']);
    // Jersey's numbers are formatted with the UK's formats.
    expect(new AsYouType('JE', asJson(trimmed)).input('07797123456')).toBe('07797 123456');
    expect(parsePhoneNumberFromString('+1 416 555 0123', asJson(trimmed))?.country).toBe('CA');
  });

  it('should read, check and format numbers of the allowed countries as the full metadata does', () => {
    const trimmed = asJson(trimMetadata(minMetadata, ['GB', 'DE', 'US']));
    for (const [text, country] of [
      ['07400 123456', 'GB'],
      ['+4915123456789', 'DE'],
      ['(201) 555-0123', 'US'],
    ] as const) {
      const full = parsePhoneNumberFromString(text, country, minMetadata)!;
      const ours = parsePhoneNumberFromString(text, country, trimmed)!;
      expect(ours.number).toBe(full.number);
      expect(ours.isValid()).toBe(full.isValid());
      expect(ours.formatInternational()).toBe(full.formatInternational());
      expect(new AsYouType(country, trimmed).input(text)).toBe(new AsYouType(country, minMetadata).input(text));
    }
    expect(new AsYouType('GB', trimmed).input('07400123456')).toBe('07400 123456');
  });

  it('should know nothing of the other countries', () => {
    const trimmed = asJson(trimMetadata(minMetadata, ['GB', 'DE', 'US']));
    expect(parsePhoneNumberFromString('+33 6 12 34 56 78', trimmed)).toBeUndefined();
    const typer = new AsYouType(undefined, trimmed);
    expect(typer.input('+33612345678')).toBe('+33612345678');
    expect(typer.getCountry()).toBeUndefined();
    expect(parsePhoneNumberFromString('+800 1234 5678', trimmed)).toBeUndefined();
  });

  it("should answer everything, non-geographic numbers included, for '*'", () => {
    expect(trimMetadata(minMetadata, '*')).toEqual(minMetadata);
    expect(parsePhoneNumberFromString('+800 1234 5678', asJson(trimMetadata(minMetadata, '*')))?.isValid()).toBe(true);
  });

  it('should trim the mobile metadata the same way, still telling mobiles from landlines', () => {
    const trimmed = asJson(trimMetadata(mobileMetadata, ['GB']));
    expect(Object.keys(trimmed.countries)).toEqual(['GB']);
    expect(parsePhoneNumberFromString('07400 123456', 'GB', trimmed)?.isValid()).toBe(true);
    expect(parsePhoneNumberFromString('020 7946 0000', 'GB', trimmed)?.isValid()).toBe(false);
  });

  it('should compute each answer once per configuration', () => {
    const answers = metadataAnswers(new Set(['GB']));
    expect(answers('min')).toBe(answers('min'));
    expect(answers('mobile')).not.toEqual(answers('min'));
    expect(JSON.parse(answers('min').body).countries).toHaveProperty('GB');
  });
});

describe('GET /metadata', () => {
  it('should answer the allowed countries, cacheable and without a session', async () => {
    const { app } = createTestApp();
    // A plain request: no custom header, no cookie.
    const res = await supertest(app).get('/auth/phone/metadata');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('public, max-age=86400');
    expect(res.headers['etag']).toMatch(/^"[\w-]+"$/);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(Object.keys(res.body.countries).sort()).toEqual(['DE', 'GB', 'US']);
    expect(new AsYouType('DE', res.body as MetadataJson).input('015123456789')).toBe('01512 3456789');
  });

  it('should answer 304 to a request with the current ETag', async () => {
    const { agent } = createTestApp();
    const first = await agent.get('/auth/phone/metadata');
    const again = await agent.get('/auth/phone/metadata').set('If-None-Match', first.headers['etag']!);
    expect(again.status).toBe(304);
    expect(again.headers['cache-control']).toBe('public, max-age=86400');
    expect(again.text).toBe('');
  });

  it('should answer the mobile metadata for ?type=mobile, with another ETag', async () => {
    const { agent } = createTestApp();
    const min = await agent.get('/auth/phone/metadata');
    const mobile = await agent.get('/auth/phone/metadata?type=mobile');
    expect(mobile.status).toBe(200);
    expect(mobile.headers['etag']).not.toBe(min.headers['etag']);
    expect(parsePhoneNumberFromString('020 7946 0000', 'GB', mobile.body as MetadataJson)?.isValid()).toBe(false);
    expect(parsePhoneNumberFromString('07400 123456', 'GB', mobile.body as MetadataJson)?.isValid()).toBe(true);
  });

  it('should refuse an unknown type, and stay uncached then', async () => {
    const { agent } = createTestApp();
    const res = await agent.get('/auth/phone/metadata?type=max');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it("should answer every country for allowedCountries '*'", async () => {
    const { agent } = createTestApp({ options: { allowedCountries: '*' } });
    const res = await agent.get('/auth/phone/metadata');
    expect(Object.keys(res.body.countries)).toHaveLength(Object.keys(minMetadata.countries).length);
    expect(res.body.nonGeographic).toBeDefined();
  });

  it('should be answered to a cross-site GET (public data, nothing changes)', async () => {
    const { app } = createTestApp();
    const res = await supertest(app).get('/auth/phone/metadata').set('Origin', 'https://evil.example').set('Sec-Fetch-Site', 'cross-site');
    expect(res.status).toBe(200);
  });

  it('should leave the other endpoints uncacheable', async () => {
    const { agent } = createTestApp();
    expect((await agent.get('/auth/phone/config')).headers['cache-control']).toBe('no-store');
  });
});
