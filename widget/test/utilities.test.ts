// widget/test/utilities.test.ts
// The small pure pieces: code extraction, time format, message merging, the countdown.

import { expect } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import { CountdownController, defaultMessages, extractCode, format, formatSeconds, mergeMessages } from '../src/index.js';

describe('extractCode', () => {
  it('should find a code inside a message', () => {
    expect(extractCode('Your code is 123456. It expires in 5 minutes.', 6)).to.equal('123456');
    expect(extractCode('123456 is your code\n\n@example.com #123456', 6)).to.equal('123456');
  });

  it('should join the digits of a spaced code and cut to length', () => {
    expect(extractCode('12 34 56', 6)).to.equal('123456');
    expect(extractCode('1234567890', 6)).to.equal('123456');
    expect(extractCode('no digits', 6)).to.equal('');
  });
});

describe('formatSeconds', () => {
  it('should show minutes and two-digit seconds', () => {
    expect(formatSeconds(27)).to.equal('0:27');
    expect(formatSeconds(125)).to.equal('2:05');
    expect(formatSeconds(0)).to.equal('0:00');
    expect(formatSeconds(-3)).to.equal('0:00');
  });
});

describe('messages', () => {
  it('should have a message for every error code', async () => {
    const { errors } = await defaultMessages();
    for (const text of Object.values(errors)) expect(text).to.be.a('string').and.not.be.empty;
    // 16 protocol codes, number_type_not_allowed (issue 13), the 7 of the intents (already_signed_in … proof_wrong_purpose), 2 of the client.
    expect(Object.keys(errors)).to.have.length(26);
  });

  it('should merge overrides key by key', async () => {
    const english = await defaultMessages();
    const merged = mergeMessages({ resend: 'Nochmal', errors: { expired: 'Abgelaufen' }, channelButton: { voice: 'Anrufen' } });
    expect(merged.resend).to.equal('Nochmal');
    expect(merged.errors.expired).to.equal('Abgelaufen');
    expect(merged.errors.invalid_code).to.equal(english.errors.invalid_code);
    expect(merged.channelButton).to.deep.equal({ ...english.channelButton, voice: 'Anrufen' });
  });

  it('should fill placeholders and leave unknown ones', () => {
    expect(format('Send again in {time} {x}', { time: '0:05' })).to.equal('Send again in 0:05 {x}');
  });
});

describe('CountdownController', () => {
  function host() {
    const updates: number[] = [];
    const h = { updates, addController() {}, removeController() {}, requestUpdate: () => void updates.push(1), updateComplete: Promise.resolve(true) };
    return h;
  }

  it('should count down to zero and call back once', async () => {
    const h = host();
    let done = 0;
    const countdown = new CountdownController(h, () => done++);
    countdown.start(1);
    expect(countdown.remaining).to.equal(1);
    expect(countdown.running).to.equal(true);
    await waitUntil(() => !countdown.running, 'did not finish', { timeout: 2500 });
    expect(done).to.equal(1);
    expect(h.updates.length).to.be.greaterThan(1);
  });

  it('should stop without calling back', async () => {
    let done = 0;
    const countdown = new CountdownController(host(), () => done++);
    countdown.start(1);
    countdown.stop();
    expect(countdown.remaining).to.equal(0);
    await new Promise((r) => setTimeout(r, 1200));
    expect(done).to.equal(0);
  });
});
