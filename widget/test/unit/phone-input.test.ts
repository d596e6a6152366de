// widget/test/unit/phone-input.test.ts
// The phone field's controller with a fake host, a real <input> and the real
// formatting module fed metadata from libphonenumber-js: formatting, caret, paste,
// country match and the checks before sending. No element, no server.

import { expect } from '@open-wc/testing';
import { waitUntil } from '../wait.js';
import metadata from 'libphonenumber-js/min/metadata';
import type { PhoneVerifyClient } from '../../src/client.js';
import { readPhone, type PhoneFormatter } from '../../src/phone/phone-format.js';
import { PhoneInputController } from '../../src/phone/phone-input.js';
import { paste } from '../helpers.js';
import { FakeHost } from './fake-host.js';

const ALLOWED = [
  { country: 'DE', callingCode: '49' },
  { country: 'GB', callingCode: '44' },
  { country: 'US', callingCode: '1' },
];

/** Formatting as the element has it once the module and the metadata arrived; mobile numbers are the UK's 07… */
const formatter: PhoneFormatter = {
  readPhone: (text, country) => readPhone(text, country, metadata),
  isMobile: async (text) => /^(\+44\s?7|07)/.test(text.trim()),
};

function setup(withFormatting = true) {
  const host = new FakeHost();
  const state = { country: 'GB' };
  const phone = new PhoneInputController(host, {
    country: () => state.country,
    select: (country) => void (state.country = country),
    allowed: () => ALLOWED,
  });
  if (withFormatting) phone.formatter = formatter;
  const input = document.createElement('input');
  document.body.append(input);
  input.addEventListener('input', phone.handleInput);
  input.addEventListener('paste', phone.handlePaste);
  return { host, state, phone, input };
}

function type(input: HTMLInputElement, value: string, caret = value.length, inputType = 'insertText'): void {
  input.value = value;
  input.setSelectionRange(caret, caret);
  input.dispatchEvent(new InputEvent('input', { inputType }));
}

describe('phone input controller', () => {
  it('should format a national number in the selected country and keep the caret after the digit', () => {
    const { phone, input, host } = setup();
    type(input, '074001234');
    expect(input.value).to.equal('07400 1234');
    expect(phone.value).to.equal('07400 1234');
    expect(host.updates).to.be.greaterThan(0);
    // A digit typed in the middle: the caret stays after it, whatever the spaces.
    type(input, '07400 91234', 7);
    expect(input.value).to.equal('07400 91234');
    expect(input.selectionStart).to.equal(7);
    input.remove();
  });

  it('should delete the digit before a space the formatting put there', () => {
    const { phone, input } = setup();
    type(input, '07400 123456');
    // Backspace right after the space: the browser removed the space, the digit before it goes.
    type(input, '07400123456', 5, 'deleteContentBackward');
    expect(phone.value.replace(/\D/g, '')).to.equal('0740123456');
    input.remove();
  });

  it('should choose the country of an international number, only among the allowed ones', () => {
    const { state, input } = setup();
    type(input, '+4915123456789');
    expect(input.value).to.equal('+49 1512 3456789');
    expect(state.country).to.equal('DE');
    type(input, '+33612345678');
    expect(state.country, 'France is not allowed').to.equal('DE');
    type(input, '0012015550123');
    expect(state.country).to.equal('US');
    input.remove();
  });

  it('should match the country from the calling code even without formatting', () => {
    const { state, input, phone } = setup(false);
    type(input, '+49 151 abc');
    expect(input.value).to.equal('+49 151 ');
    expect(phone.value).to.equal('+49 151 ');
    expect(state.country).to.equal('DE');
    input.remove();
  });

  it('should paste only the number, and let a whole international number replace the field', () => {
    const { input, phone } = setup(false);
    type(input, '07400');
    paste(input, 'call me: 123456!');
    expect(phone.value).to.equal('07400123456');
    paste(input, '+44 7400 123456');
    expect(phone.value).to.equal('+44 7400 123456');
    input.remove();
  });

  it('should read Arabic-Indic digits', () => {
    const { input, phone } = setup();
    type(input, '٠٧٤٠٠١٢٣٤٥٦');
    expect(phone.value).to.equal('07400 123456');
    input.remove();
  });

  it('should say what is wrong before anything is sent', async () => {
    const { phone, input } = setup();
    expect(phone.problem()).to.deep.equal({ code: 'phone_required', country: 'GB' });
    type(input, '07400 12');
    expect(phone.problem()).to.deep.equal({ code: 'phone_too_short', country: 'GB' });
    type(input, '07400 123456');
    expect(phone.problem()).to.equal(undefined);
    expect(await phone.mobile()).to.equal(true);
    type(input, '020 7946 0958');
    expect(await phone.mobile()).to.equal(false);
    input.remove();
  });

  it('should leave the checks to the server without formatting', async () => {
    const { phone, input } = setup(false);
    type(input, '12');
    expect(phone.problem()).to.equal(undefined);
    expect(await phone.mobile()).to.equal(true);
    input.remove();
  });

  it('should show the number sent to formatted, or as typed when it is the same number', () => {
    const { phone, input } = setup();
    expect(phone.display('+447400123456')).to.equal('+44 7400 123456');
    const plain = setup(false);
    type(plain.input, '+44 7400  123456');
    expect(plain.phone.display('+447400123456')).to.equal('+44 7400 123456');
    expect(plain.phone.display('+4915123456789')).to.equal('+4915123456789');
    plain.input.remove();
    input.remove();
  });

  it('should read a national number again when another country is chosen', () => {
    const { phone, input, state } = setup();
    type(input, '01512345678');
    expect(phone.value).to.equal('0151 234 5678');
    state.country = 'DE';
    phone.countryChosen();
    expect(phone.value).to.equal('01512 345678');
    input.remove();
  });

  it('should give an international number the calling code of a country chosen from the list', () => {
    const { phone, input, state } = setup();
    type(input, '+44 7400 123456');
    state.country = 'DE';
    phone.countryChosen();
    expect(phone.value).to.equal('+49 7400 123456');
    // A country sharing the number's code leaves it as it is.
    const plain = setup(false);
    type(plain.input, '+1 2025550123');
    plain.state.country = 'US';
    plain.phone.countryChosen();
    expect(plain.phone.value).to.equal('+1 2025550123');
    plain.state.country = 'GB';
    plain.phone.countryChosen();
    expect(plain.phone.value, 'without formatting too').to.equal('+44 2025550123');
    plain.input.remove();
    input.remove();
  });

  it('should refuse a digit that makes the number longer than its country allows, text and caret as they were', () => {
    const { phone, input } = setup();
    type(input, '07400123456');
    expect(phone.value).to.equal('07400 123456');
    type(input, '07400 1234567');
    expect(input.value).to.equal('07400 123456');
    expect(phone.value).to.equal('07400 123456');
    expect(input.selectionStart).to.equal(input.value.length);
    // In the middle: refused too, the caret back after the digit before it.
    type(input, '07400 1923456', 8);
    expect(input.value).to.equal('07400 123456');
    expect([input.selectionStart, input.selectionEnd]).to.deep.equal([7, 7]);
    // Typed international numbers are capped as well.
    type(input, '+44 7400 123456');
    type(input, '+44 7400 1234567');
    expect(input.value).to.equal('+44 7400 123456');
    input.remove();
  });

  it('should follow a typed +CC: for a shared code the current country if it has it, else the first allowed; the full number decides once formatting has loaded', () => {
    const allowed = [
      { country: 'CA', callingCode: '1' },
      { country: 'GB', callingCode: '44' },
      { country: 'JE', callingCode: '44' },
      { country: 'US', callingCode: '1' },
    ];
    const make = (country: string, withFormatting: boolean) => {
      const state = { country };
      const phone = new PhoneInputController(new FakeHost(), { country: () => state.country, select: (c) => void (state.country = c), allowed: () => allowed });
      if (withFormatting) phone.formatter = formatter;
      const input = document.createElement('input');
      document.body.append(input);
      input.addEventListener('input', phone.handleInput);
      return { state, input };
    };
    const plain = make('GB', false);
    type(plain.input, '+1');
    expect(plain.state.country, 'the first allowed with +1').to.equal('CA');
    plain.state.country = 'US';
    type(plain.input, '+1 202');
    expect(plain.state.country, 'US has +1: it stays').to.equal('US');
    plain.state.country = 'JE';
    type(plain.input, '+44 7400');
    expect(plain.state.country, 'JE has +44: it stays').to.equal('JE');
    plain.input.remove();

    const formatted = make('US', true);
    type(formatted.input, '+1 416 555 0123');
    expect(formatted.state.country, 'a Toronto number is Canadian').to.equal('CA');
    formatted.state.country = 'JE';
    type(formatted.input, '+44 7400 123456');
    expect(formatted.state.country, 'a UK mobile').to.equal('GB');
    formatted.input.remove();
  });

  it('should keep a pasted international number that is too long whole, and let deleting shorten it', () => {
    const { phone, input } = setup();
    type(input, '+44 7400 1234567', undefined, 'insertFromPaste');
    expect(phone.value.replace(/\D/g, '')).to.equal('4474001234567');
    expect(phone.problem()?.code).to.equal('phone_too_long');
    type(input, '+44 7400 123456', undefined, 'deleteContentBackward');
    expect(phone.value).to.equal('+44 7400 123456');
    expect(phone.problem()).to.equal(undefined);
    input.remove();
  });

  it('should load formatting once, from the module and the metadata together', async () => {
    const { phone } = setup(false);
    let modules = 0;
    const asked: (string | undefined)[] = [];
    const client = {
      metadata: (type?: string) => {
        asked.push(type);
        return Promise.resolve(Response.json(metadata));
      },
    } as unknown as PhoneVerifyClient;
    const module = () => {
      modules++;
      return import('../../src/phone/phone-format.js');
    };
    phone.load(module, client, false);
    phone.load(module, client, false);
    // Until it has loaded, not for a fixed time: a busy machine takes longer than 50 ms.
    await waitUntil(() => phone.formatter, 'formatting did not load');
    expect(modules).to.equal(1);
    expect(asked).to.deep.equal([undefined]);
    expect(phone.formatter!.readPhone('07400123456', 'GB').text).to.equal('07400 123456');
  });
});
