// widget/test/helpers.ts
// Shared helpers for the widget's browser tests: the test server's outbox and
// clock, fixtures and small DOM shortcuts.

import { fixture, html } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import { executeServerCommand } from '@web/test-runner-commands';
import '../src/define.js';
import { PhoneVerify, type PhoneFormatter, type PhoneVerifyStep } from '../src/index.js';

export const GB_MOBILE = '+447400123456';
export const DE_MOBILE = '+4915123456789';

export interface Outbox {
  message: { phone: string; text: string; channel: string; endpoint: string } | null;
  code: string | null;
  count: number;
}

/** The latest message the server "sent" to a number, and the code in it. */
export async function outbox(phone: string): Promise<Outbox> {
  const response = await fetch(`/__test/outbox?phone=${encodeURIComponent(phone)}`);
  return response.json() as Promise<Outbox>;
}

/** The code in the latest message to a number; fails if there is none. */
export async function codeFor(phone: string): Promise<string> {
  const { code } = await outbox(phone);
  if (!code) throw new Error(`no code was sent to ${phone}`);
  return code;
}

/** Forget every message and session; reset the strict router's clock. */
export async function resetServer(): Promise<void> {
  await fetch('/__test/reset', { method: 'POST' });
}

/** Move the clock of the `/auth/strict` router forward. */
export async function advanceClock(seconds: number): Promise<void> {
  await fetch('/__test/advance', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds }) });
}

/**
 * A `<phone-verify>` with its configuration loaded. The formatting module is loaded
 * first, so each element has it before the configuration arrives (as on a real page
 * after the first visit); `without-formatting.test.ts` covers the element without it.
 */
export async function loaded<T extends HTMLElement = PhoneVerify>(template = html`<phone-verify></phone-verify>`): Promise<T> {
  await PhoneVerify.loadFormatting();
  const found = await fixture<HTMLElement>(template);
  const el = (found instanceof PhoneVerify ? found : found.querySelector('phone-verify')!) as PhoneVerify;
  await waitUntil(() => el.step !== 'loading', 'the configuration did not load');
  // The element fetches its server's metadata after the first render; wait for it as
  // for the module (subclasses that load no formatting are left alone).
  if (el.constructor === PhoneVerify && el.step !== 'error') await waitUntil(() => formatterOf(el), 'the formatting metadata did not arrive');
  await el.updateComplete;
  return found as T;
}

/** The element's formatter once formatting has loaded (module and metadata), else undefined. */
export function formatterOf(el: PhoneVerify): PhoneFormatter | undefined {
  return (el as unknown as { formatter?: PhoneFormatter }).formatter;
}

export async function stepIs(el: PhoneVerify, step: PhoneVerifyStep, timeout = 5000): Promise<void> {
  await waitUntil(() => el.step === step, `expected step ${step}, still ${el.step}`, { timeout });
  await el.updateComplete;
}

export function part<T extends HTMLElement = HTMLElement>(el: PhoneVerify, name: string): T;
export function part<T extends HTMLElement = HTMLElement>(el: PhoneVerify, name: string, optional: true): T | null;
export function part<T extends HTMLElement = HTMLElement>(el: PhoneVerify, name: string, optional = false): T | null {
  const found = el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
  if (!found && !optional) throw new Error(`no part ${name} in step ${el.step}`);
  return found;
}

export function parts(el: PhoneVerify, name: string): HTMLElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
}

/** Sets an input's value as typing would, firing `input`. */
export function typeInto(input: HTMLInputElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

export function errorText(el: PhoneVerify): string {
  return part(el, 'error').textContent!.trim();
}

export function labelFor(el: PhoneVerify, id: string): string {
  return el.shadowRoot!.querySelector(`label[for="${id}"]`)!.textContent!.trim();
}

/** The id of the focused element inside the shadow root. */
export function focusedId(el: PhoneVerify): string | undefined {
  return (el.shadowRoot!.activeElement as HTMLElement | null)?.id;
}

/** Pastes `text` into `target` as the clipboard would; returns false when the element took over (preventDefault). */
export function paste(target: HTMLInputElement, text: string): boolean {
  const data = new DataTransfer();
  data.setData('text/plain', text);
  const event = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true });
  // Firefox ignores `clipboardData` in the constructor (a real Ctrl+V carries it): give the
  // event its data as the browser's own paste would.
  if (event.clipboardData?.getData('text/plain') !== text) Object.defineProperty(event, 'clipboardData', { value: data });
  return target.dispatchEvent(event);
}

/** What the country button at the start of the number field says (its accessible name): `Country: United Kingdom GB +44`. */
export function countryButtonName(el: PhoneVerify): string {
  return part(el, 'country-toggle').textContent!.replace(/\s+/g, ' ').trim();
}

/** The country the element has selected. */
export function countryOf(el: PhoneVerify): string {
  return el.selectedCountry;
}

/**
 * Saves a PNG of the element (with a margin) as `.test-artifacts/screenshots/<name>.png`; `readme` also copies it
 * to `widget/docs/screenshot.png` (a name: `widget/docs/<name>.png`), with UPDATE_README_SCREENSHOT=1 only.
 */
export async function screenshot(el: HTMLElement, name: string, readme: boolean | string = false): Promise<void> {
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const box = el.getBoundingClientRect();
  const margin = 16;
  const clip = {
    x: Math.max(0, box.x - margin),
    y: Math.max(0, box.y - margin),
    width: Math.ceil(box.width + 2 * margin),
    height: Math.ceil(box.height + 2 * margin),
  };
  await executeServerCommand('phone-verify-screenshot', { name, clip, readme });
}

/** Enter a number on the phone step and wait for the code step. */
export async function sendTo(el: PhoneVerify, phone: string): Promise<void> {
  typeInto(part<HTMLInputElement>(el, 'phone-input'), phone);
  part(el, 'submit').click();
  await stepIs(el, 'enter-code');
}

/** Every attribute value in the element and its shadow tree. */
export function allAttributeValues(el: PhoneVerify): string[] {
  const elements = [el, ...el.shadowRoot!.querySelectorAll('*')];
  return elements.flatMap((e) => [...e.attributes].map((a) => a.value));
}

/** Records calls to `window.fetch` and passes them on to the real one (or to `answer`). */
export function spyFetch(answer?: (url: string, init?: RequestInit) => Promise<Response> | undefined) {
  const original = window.fetch;
  const calls: { url: string; body: unknown }[] = [];
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    calls.push({ url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    return answer?.(url, init) ?? original(input, init);
  };
  return { calls, restore: () => void (window.fetch = original) };
}

/** The engine and launch-time settings this page runs in (one entry of LAUNCHES in web-test-runner.config.mjs). */
export interface Launch {
  group: string;
  engine: 'chromium' | 'firefox' | 'webkit';
  /** What the launch fixed at start-up, for engines that cannot switch media per page. */
  media: { colorScheme?: 'dark'; reducedMotion?: 'reduce' };
  /** The package's entry modules are the built widget/dist/phone-verify.js. */
  bundle: boolean;
}

export const launch = (await executeServerCommand('phone-verify-launch')) as Launch;

export interface MediaFeatures {
  colorScheme?: 'light' | 'dark';
  reducedMotion?: 'no-preference' | 'reduce';
}

/**
 * Whether this page can have `features`: Chromium emulates media per page; Firefox and
 * WebKit only have what their launch set (the `*-media` launches run those tests), so a
 * test for another setting is registered only in the launch that has it. A file that uses
 * this belongs in MEDIA_FILES in web-test-runner.config.mjs; the per-engine totals, equal
 * to Chromium's, show that nothing was left out.
 */
export function canHave(features: MediaFeatures): boolean {
  if (launch.engine === 'chromium') return true;
  const scheme = launch.media.colorScheme ?? 'light';
  const motion = launch.media.reducedMotion ?? 'no-preference';
  return (!features.colorScheme || features.colorScheme === scheme) && (!features.reducedMotion || features.reducedMotion === motion);
}

/** Puts the page in `features` (Chromium: emulated; elsewhere: checks the launch has them, and the browser says so). */
export async function emulate(features: MediaFeatures): Promise<void> {
  if (launch.engine === 'chromium') {
    await executeServerCommand('phone-verify-media', features);
  } else if (!canHave(features)) {
    throw new Error(`the ${launch.group} launch cannot have ${JSON.stringify(features)}`);
  }
  if (features.colorScheme && !matchMedia(`(prefers-color-scheme: ${features.colorScheme})`).matches)
    throw new Error(`prefers-color-scheme is not ${features.colorScheme}`);
  if (features.reducedMotion && !matchMedia(`(prefers-reduced-motion: ${features.reducedMotion})`).matches)
    throw new Error(`prefers-reduced-motion is not ${features.reducedMotion}`);
}

/** Back to the launch's own media (only Chromium ever left it). */
export async function resetMedia(): Promise<void> {
  if (launch.engine === 'chromium') await executeServerCommand('phone-verify-media', { colorScheme: 'no-preference', reducedMotion: 'no-preference' });
}

/** Skips the running test in this engine only, and has the run's summary print why. */
export async function skipHere(context: MochaContext, reason: string): Promise<never> {
  const test = context.currentTest ?? context.test;
  await executeServerCommand('phone-verify-skip', { title: test?.fullTitle() ?? '?', reason });
  return context.skip();
}

/** Sizes the viewport; answers the size the browser reached (a window may have a minimum). */
export async function setViewportSize(width: number, height: number): Promise<{ width: number; height: number }> {
  return (await executeServerCommand('phone-verify-viewport', { width, height })) as { width: number; height: number };
}
