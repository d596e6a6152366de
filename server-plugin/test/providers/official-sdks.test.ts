// The sandboxes as the providers' own official npm SDKs call them (code nobody here
// wrote): Telnyx (`telnyx` 7) for flashcall, check by id, list by phone and verify
// profiles; Vonage (`@vonage/verify2` with `@vonage/auth`) with an application JWT and
// with Basic. If a sandbox drifts from the real API's shape, these fail.

import { generateKeyPairSync } from 'node:crypto';
import { Auth } from '@vonage/auth';
import { Channels, Verify2, type VerificationRequestParams } from '@vonage/verify2';
import Telnyx from 'telnyx';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TelnyxSandbox, VonageSandbox } from '../../src/testing/index.js';
import { codeIn, GB } from './helpers.js';

describe('TelnyxSandbox driven by the official telnyx SDK', () => {
  let sandbox: TelnyxSandbox;
  let client: Telnyx;

  beforeEach(async () => {
    sandbox = new TelnyxSandbox({ apiKey: 'KEY-sdk', codeLength: 6 });
    const url = await sandbox.listen();
    client = new Telnyx({ apiKey: 'KEY-sdk', baseURL: `${url}/v2`, maxRetries: 0 });
  });

  afterEach(async () => {
    await sandbox.close();
  });

  it('verifyProfiles.create / retrieve / update, then a flashcall on that profile, checked by id', async () => {
    const created = await client.verifyProfiles.create({
      name: 'sdk-profile',
      language: 'en-US',
      sms: { code_length: 6 },
      flashcall: { default_verification_timeout_secs: 120 },
    });
    const id = created.data!.id!;
    expect(created.data).toMatchObject({ name: 'sdk-profile', record_type: 'verification_profile' });
    expect((await client.verifyProfiles.retrieve(id)).data).toMatchObject({ id, flashcall: { default_verification_timeout_secs: 120 } });
    const updated = await client.verifyProfiles.update(id, { name: 'renamed' });
    expect(updated.data).toMatchObject({ id, name: 'renamed' });

    const started = await client.verifications.triggerFlashcall({ phone_number: GB, verify_profile_id: id });
    expect(started.data).toMatchObject({ type: 'flashcall', phone_number: GB, status: 'pending', timeout_secs: 120 });
    const caller = sandbox.outbox[0]!.text.match(/(\+\d+)$/)![1]!;
    const verdict = await client.verifications.actions.verify(started.data!.id!, { code: caller.slice(-6) });
    expect(verdict.data).toEqual({ phone_number: GB, response_code: 'accepted' });
    expect((await client.verifications.retrieve(started.data!.id!)).data!.status).toBe('accepted');
  });

  it('byPhoneNumber.list answers data with Telnyx paging meta; a wrong code by id is rejected', async () => {
    const first = await client.verifications.triggerSMS({ phone_number: GB, verify_profile_id: sandbox.verifyProfileId });
    await client.verifications.triggerCall({ phone_number: GB, verify_profile_id: sandbox.verifyProfileId });
    const list = await client.verifications.byPhoneNumber.list(GB);
    expect(list.data).toHaveLength(2);
    expect(list.meta).toEqual({ page_number: 1, page_size: 20, total_pages: 1, total_results: 2 });
    const code = codeIn(sandbox.outbox[0]);
    const wrongDigits = code.replace(/\d$/, (d) => String((Number(d) + 1) % 10));
    expect((await client.verifications.actions.verify(first.data!.id!, { code: wrongDigits })).data!.response_code).toBe('rejected');
    expect((await client.verifications.actions.verify(first.data!.id!, { code })).data!.response_code).toBe('accepted');
  });

  it('the SDK’s error class carries the sandbox’s Telnyx error body', async () => {
    const bad = new Telnyx({ apiKey: 'wrong', baseURL: client.baseURL, maxRetries: 0 });
    await expect(bad.verifications.triggerSMS({ phone_number: GB, verify_profile_id: sandbox.verifyProfileId })).rejects.toMatchObject({ status: 401 });
  });
});

describe('VonageSandbox driven by the official @vonage/verify2 SDK', () => {
  const applicationId = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let sandbox: VonageSandbox;
  let url: string;

  beforeEach(async () => {
    // The SDK signs with the real clock, so the sandbox keeps the real one too.
    sandbox = new VonageSandbox({ apiKey: 'sdk-key', apiSecret: 'sdk-secret', application: { id: applicationId, publicKey } });
    url = await sandbox.listen();
  });

  afterEach(async () => {
    await sandbox.close();
  });

  const verify = (auth: Auth) => new Verify2(auth, { apiHost: url });
  const smsTo = (to: string): VerificationRequestParams => ({ brand: 'Acme', codeLength: 6, workflow: [{ channel: Channels.SMS, to }] });

  it('application JWT (RS256, signed by the SDK): newRequest, a wrong code, checkCode, and cancel', async () => {
    const client = verify(new Auth({ applicationId, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }));
    const { requestId } = await client.newRequest(smsTo('447400123456'));
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const code = codeIn(sandbox.outbox[0]);
    await expect(
      client.checkCode(
        requestId,
        code.replace(/\d$/, (d) => String((Number(d) + 1) % 10)),
      ),
    ).rejects.toBeTruthy();
    expect(await client.checkCode(requestId, code)).toBe('completed');
    const second = await client.newRequest(smsTo('4915123456789'));
    expect(await client.cancel(second.requestId)).toBe(true);
  });

  it('a JWT for another application is refused with 401', async () => {
    const client = verify(
      new Auth({ applicationId: '11111111-2222-4333-8444-555555555555', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }),
    );
    await expect(client.newRequest(smsTo('447400123456'))).rejects.toBeTruthy();
    expect(sandbox.outbox).toHaveLength(0);
  });
});
