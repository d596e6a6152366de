// widget/test/disabled.test.ts
// The `disabled` property: reflected like a native control's (and Web Awesome's), and
// distinct from being disabled by a fieldset, which sets no attribute.

import { expect, fixture, html } from '@open-wc/testing';
import type { PhoneVerify } from '../src/index.js';
import { loaded, part, resetServer } from './helpers.js';

describe('<phone-verify> disabled', () => {
  beforeEach(resetServer);

  it('should default to enabled, and reflect name and mobile-only', async () => {
    const el = await loaded(html`<phone-verify></phone-verify>`);
    expect(el.disabled).to.equal(false);
    expect(el.hasAttribute('disabled')).to.equal(false);
    el.name = 'phone';
    el.mobileOnly = true;
    await el.updateComplete;
    expect(el.getAttribute('name')).to.equal('phone');
    expect(el.hasAttribute('mobile-only')).to.equal(true);
  });

  it('should reflect the property and disable every control', async () => {
    const el = await loaded(html`<phone-verify></phone-verify>`);
    el.disabled = true;
    await el.updateComplete;
    expect(el.hasAttribute('disabled')).to.equal(true);
    expect(el.matches(':disabled')).to.equal(true);
    expect(el.matches(':state(disabled)')).to.equal(true);
    expect(part<HTMLInputElement>(el, 'phone-input').disabled).to.equal(true);
    expect(part<HTMLButtonElement>(el, 'country-toggle').disabled).to.equal(true);
    expect(part<HTMLButtonElement>(el, 'submit').disabled).to.equal(true);

    el.disabled = false;
    await el.updateComplete;
    expect(el.hasAttribute('disabled')).to.equal(false);
    expect(part<HTMLInputElement>(el, 'phone-input').disabled).to.equal(false);
  });

  it('should follow the attribute into the property', async () => {
    const el = await loaded(html`<phone-verify disabled></phone-verify>`);
    expect(el.disabled).to.equal(true);
    el.removeAttribute('disabled');
    await el.updateComplete;
    expect(el.disabled).to.equal(false);
    expect(part<HTMLButtonElement>(el, 'submit').disabled).to.equal(false);
  });

  it('should be disabled by a fieldset without taking the attribute', async () => {
    const form = await fixture<HTMLFieldSetElement>(html`<fieldset disabled><phone-verify></phone-verify></fieldset>`);
    const el = form.querySelector<PhoneVerify>('phone-verify')!;
    await el.updateComplete;
    expect(el.matches(':disabled')).to.equal(true);
    expect(el.disabled).to.equal(false);
    expect(el.hasAttribute('disabled')).to.equal(false);
  });
});
