// widget/test/channels.test.ts
// The channels issue 14 added, as a person meets them: a flashcall's code step says to
// let the phone ring and type the caller's last digits; Telegram is tried first and,
// for a number not on Telegram, the element starts again by text message.

import { expect, html } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import type { PhoneVerify } from '../src/index.js';
import { codeFor, DE_MOBILE, GB_MOBILE, labelFor, loaded, outbox, part, parts, resetServer, sendTo, stepIs, typeInto } from './helpers.js';

const statusText = (el: PhoneVerify): string => el.shadowRoot!.querySelector('[role="status"]')!.textContent!.trim();

describe('<phone-verify> on a flashcall', () => {
  beforeEach(async () => {
    await resetServer();
  });

  it('should label the code field with what to do and how many digits, and be accessible', async () => {
    const el = await loaded(html`<phone-verify endpoint="/auth/flashcall"></phone-verify>`);
    await sendTo(el, GB_MOBILE);
    expect((await outbox(GB_MOBILE)).message?.channel).to.equal('flashcall');
    expect(labelFor(el, 'code')).to.equal('We’re calling you now. Don’t answer — enter the last 6 digits of the number that calls');
    expect(statusText(el)).to.match(/by missed call/);
    await expect(el).to.be.accessible();
  });

  it('should say it in the page’s language', async () => {
    const el = await loaded(html`<phone-verify endpoint="/auth/flashcall" lang="de"></phone-verify>`);
    await sendTo(el, GB_MOBILE);
    expect(labelFor(el, 'code')).to.equal('Wir rufen Sie jetzt an. Nehmen Sie nicht ab — geben Sie die letzten 6 Ziffern der anrufenden Nummer ein');
  });

  it('should go back to the usual label on a switch to text message', async () => {
    const el = await loaded(html`<phone-verify endpoint="/auth/flashcall"></phone-verify>`);
    await sendTo(el, GB_MOBILE);
    const textMe = (): HTMLElement | undefined => parts(el, 'channel').find((b) => b.dataset.channel === 'sms');
    // Shown (off, with the countdown) from the start since issue 13: wait for it to turn on.
    await waitUntil(() => textMe() && !(textMe() as HTMLButtonElement).disabled, 'no "Text me instead" button after the resend delay', { timeout: 4000 });
    expect(textMe()!.textContent!.trim()).to.equal('Text me instead');
    textMe()!.click();
    await waitUntil(() => labelFor(el, 'code').startsWith('Enter the code sent to '), 'the label did not change back');
    expect((await outbox(GB_MOBILE)).message?.channel).to.equal('sms');
  });
});

describe('<phone-verify> with Telegram first', () => {
  beforeEach(async () => {
    await resetServer();
  });

  it('should send a Telegram user the code in Telegram', async () => {
    const el = await loaded(html`<phone-verify endpoint="/auth/telegram"></phone-verify>`);
    await sendTo(el, GB_MOBILE);
    expect((await outbox(GB_MOBILE)).message?.channel).to.equal('telegram');
    expect(statusText(el)).to.match(/by Telegram\./);
  });

  it('should fall back to a text message for a number not on Telegram, without showing an error, and sign in with it', async () => {
    const el = await loaded(html`<phone-verify endpoint="/auth/telegram"></phone-verify>`);
    await sendTo(el, DE_MOBILE);
    const sent = await outbox(DE_MOBILE);
    expect(sent.count).to.equal(1);
    expect(sent.message?.channel).to.equal('sms');
    expect(statusText(el)).to.match(/by text message\./);
    expect(part(el, 'error').textContent!.trim()).to.equal('');
    typeInto(part<HTMLInputElement>(el, 'code-input'), await codeFor(DE_MOBILE));
    await stepIs(el, 'done');
  });

  it('should offer "Send in Telegram" as the other channel once it may send again', async () => {
    const el = await loaded(html`<phone-verify endpoint="/auth/telegram"></phone-verify>`);
    await sendTo(el, DE_MOBILE);
    await waitUntil(() => parts(el, 'channel').some((b) => !(b as HTMLButtonElement).disabled), 'no channel button after the resend delay', { timeout: 4000 });
    expect(parts(el, 'channel').map((b) => b.textContent!.trim())).to.deep.equal(['Send in Telegram']);
  });
});
