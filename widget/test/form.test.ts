// widget/test/form.test.ts
// Form participation through ElementInternals: the value is the verified number
// (never the code), validity follows the state, reset and disabled work as for a field.

import { expect, fixture, html } from '@open-wc/testing';
import type { PhoneVerify } from '../src/index.js';
import { codeFor, GB_MOBILE, part, resetServer, sendTo, spyFetch, stepIs, typeInto } from './helpers.js';

async function inForm(): Promise<{ form: HTMLFormElement; el: PhoneVerify }> {
  const form = await fixture<HTMLFormElement>(html`
    <form>
      <input name="nickname" value="Ada" />
      <fieldset><phone-verify name="phone" default-country="GB"></phone-verify></fieldset>
    </form>
  `);
  const el = form.querySelector('phone-verify')!;
  await stepIs(el, 'enter-phone');
  return { form, el };
}

async function signIn(el: PhoneVerify): Promise<string> {
  await sendTo(el, GB_MOBILE);
  const code = await codeFor(GB_MOBILE);
  typeInto(part<HTMLInputElement>(el, 'code-input'), code);
  await stepIs(el, 'done');
  return code;
}

describe('<phone-verify> in a form', () => {
  beforeEach(resetServer);

  it('should be a form-associated element with a name', async () => {
    const { form, el } = await inForm();
    expect((el.constructor as typeof HTMLElement & { formAssociated?: boolean }).formAssociated).to.equal(true);
    expect(el.form).to.equal(form);
    expect(el.name).to.equal('phone');
    expect([...form.elements]).to.include(el);
  });

  it('should be invalid, and submit nothing, until the number is verified', async () => {
    const { form, el } = await inForm();
    expect(el.willValidate).to.equal(true);
    expect(el.checkValidity()).to.equal(false);
    expect(el.validity!.valueMissing).to.equal(true);
    expect(el.validationMessage).to.equal('Verify your phone number.');
    expect(form.checkValidity()).to.equal(false);
    expect(el.matches(':invalid')).to.equal(true);
    expect(new FormData(form).has('phone')).to.equal(false);
    await sendTo(el, GB_MOBILE);
    expect(form.checkValidity()).to.equal(false);
    expect(new FormData(form).has('phone')).to.equal(false);
  });

  it('should submit the verified number in E.164, never the code', async () => {
    const { form, el } = await inForm();
    const code = await signIn(el);
    await el.updateComplete;
    const data = new FormData(form);
    expect(data.get('phone')).to.equal(GB_MOBILE);
    expect(data.get('nickname')).to.equal('Ada');
    expect([...data.values()].map(String)).to.not.include(code);
    expect(el.value).to.equal(GB_MOBILE);
    expect(el.checkValidity()).to.equal(true);
    expect(form.checkValidity()).to.equal(true);
    expect(el.matches(':valid')).to.equal(true);
  });

  it('should go back to an empty phone step on form.reset()', async () => {
    const { form, el } = await inForm();
    await signIn(el);
    form.reset();
    await stepIs(el, 'enter-phone');
    expect(part<HTMLInputElement>(el, 'phone-input').value).to.equal('');
    expect(el.value).to.equal('');
    expect(new FormData(form).has('phone')).to.equal(false);
    expect(form.checkValidity()).to.equal(false);
  });

  it('should cancel a pending verification on form.reset()', async () => {
    const { form, el } = await inForm();
    await sendTo(el, GB_MOBILE);
    const spy = spyFetch();
    try {
      form.reset();
      await stepIs(el, 'enter-phone');
    } finally {
      spy.restore();
    }
    expect(spy.calls.map((c) => new URL(c.url, location.href).pathname)).to.deep.equal(['/auth/phone/cancel']);
  });

  it('should be disabled with its fieldset', async () => {
    const { form, el } = await inForm();
    const fieldset = form.querySelector('fieldset')!;
    fieldset.disabled = true;
    await el.updateComplete;
    expect(el.matches(':state(disabled)')).to.equal(true);
    expect(el.matches(':disabled')).to.equal(true);
    expect(part<HTMLInputElement>(el, 'phone-input').disabled).to.equal(true);
    expect(part<HTMLButtonElement>(el, 'country-toggle').disabled).to.equal(true);
    expect(part<HTMLButtonElement>(el, 'submit').disabled).to.equal(true);
    expect(el.willValidate).to.equal(false);
    await expect(el).to.be.accessible();
    fieldset.disabled = false;
    await el.updateComplete;
    expect(el.matches(':state(disabled)')).to.equal(false);
    expect(part<HTMLInputElement>(el, 'phone-input').disabled).to.equal(false);
  });

  it('should be disabled by its own disabled attribute', async () => {
    const { el } = await inForm();
    el.setAttribute('disabled', '');
    await el.updateComplete;
    expect(part<HTMLButtonElement>(el, 'submit').disabled).to.equal(true);
  });
});
