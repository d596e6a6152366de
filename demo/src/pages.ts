// demo/src/pages.ts
// The demo's pages as HTML strings. Scripts and styles are files, so the
// Content-Security-Policy can forbid anything inline.

import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The languages the widget ships, in their own names, for the language switch. */
export const WIDGET_LANGUAGES: ReadonlyArray<readonly [tag: string, name: string]> = [
  ['en', 'English'],
  ['ar', 'العربية'],
  ['de', 'Deutsch'],
  ['es', 'Español'],
  ['fr', 'Français'],
  ['it', 'Italiano'],
  ['ja', '日本語'],
  ['nl', 'Nederlands'],
  ['pl', 'Polski'],
  ['pt-BR', 'Português (Brasil)'],
  ['zh-CN', '中文（简体）'],
];

/** What every page needs to know about the visitor and the demo. */
export interface PageContext {
  /** The path shown, for the navigation's `aria-current`. */
  path: string;
  signedIn: boolean;
  /** The widget language chosen with the switch (a tag of WIDGET_LANGUAGES). */
  lang: string;
  /** What the note says when a limit is hit: the limits, when they clear, how to reset them. */
  limitNote: string;
}

/** A number as people write it: `+44 7400 123456`, not `+447400123456`. */
export function formatPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

/** The last four digits only, as the widget shows the account's number in a step-up: `•••• 3456`. */
export function maskedPhone(e164: string): string {
  return `•••• ${e164.replace(/\D/g, '').slice(-4)}`;
}

function navigation(ctx: PageContext): string {
  const links: Array<[string, string]> = ctx.signedIn
    ? [
        ['/account', 'Account'],
        ['/account/recovery-codes', 'Recovery codes'],
      ]
    : [
        ['/', 'Sign in'],
        ['/signup', 'Sign up'],
      ];
  const items = links.map(([href, text]) => `<li><a href="${href}"${href === ctx.path ? ' aria-current="page"' : ''}>${text}</a></li>`).join('');
  const options = WIDGET_LANGUAGES.map(
    ([tag, name]) => `<option value="${tag}" lang="${tag}"${tag === ctx.lang ? ' selected' : ''}>${escape(name)}</option>`,
  ).join('');
  return `<header class="bar">
  <nav aria-label="Demo"><ul>${items}</ul></nav>
  <label class="lang">Widget language <select id="demo-lang">${options}</select></label>
</header>`;
}

function layout(title: string, ctx: PageContext, body: string, scripts: string[] = []): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · phone-verify demo</title>
<link rel="stylesheet" href="/demo.css">
${['/demo.js', ...scripts].map((src) => `<script type="module" src="${src}"></script>`).join('\n')}
</head>
<body>
${navigation(ctx)}
${body}
</body>
</html>
`;
}

/** The widget with the chosen language; `attributes` are already safe (ours, never a visitor's). */
function widget(ctx: PageContext, attributes = ''): string {
  return `<phone-verify endpoint="/auth/phone" lang="${escape(ctx.lang)}"${attributes}></phone-verify>
    <p id="limit-note" class="note" role="status" data-note="${escape(ctx.limitNote)}"></p>`;
}

/** The fake phone beside every page with a widget: the codes this browser asked for arrive here. */
const phonePanel = `<aside class="phone" aria-labelledby="phone-title">
    <h2 id="phone-title">Your phone <small>(demo)</small></h2>
    <p class="hint">No real message is sent. Codes this browser asks for arrive here.</p>
    <ol id="phone-messages" class="messages" aria-live="polite"></ol>
  </aside>`;

const widgetScripts = ['/assets/phone-verify.js', '/phone.js'];

export function signInPage(ctx: PageContext): string {
  return layout(
    'Sign in',
    ctx,
    `<main class="demo">
  <section class="card" aria-labelledby="title">
    <h1 id="title">Sign in with your phone</h1>
    <p class="lede">We'll send you a code. No password needed.</p>
    ${widget(ctx)}
    <p class="hint">New here? <a href="/signup">Create an account</a> with your name and number.</p>
  </section>
  ${phonePanel}
</main>`,
    widgetScripts,
  );
}

/** The sign-up form: a name and a phone proof (`intent="verify"`), which the server checks and uses up. */
export function signUpPage(ctx: PageContext, form: { name?: string; error?: string } = {}): string {
  const error = form.error ? `<p id="signup-error" class="alert" role="alert" tabindex="-1">${escape(form.error)}</p>` : '';
  return layout(
    'Sign up',
    ctx,
    `<main class="demo">
  <section class="card" aria-labelledby="title">
    <h1 id="title">Create an account</h1>
    <p class="lede">Your name, and a number you prove is yours with a code.</p>
    ${error}
    <form id="signup" class="stack" method="post" action="/signup">
      <label class="field">Your name
        <input name="name" autocomplete="name" required maxlength="60" value="${escape(form.name ?? '')}">
      </label>
      <fieldset class="field">
        <legend>Your phone number</legend>
        ${widget(ctx, ' intent="verify" purpose="signup" name="proof"')}
      </fieldset>
      <button type="submit" class="primary">Create account</button>
    </form>
    <p class="hint">Already have an account? <a href="/">Sign in</a>.</p>
  </section>
  ${phonePanel}
</main>`,
    widgetScripts,
  );
}

export function accountPage(ctx: PageContext, user: { phone: string; name?: string; createdAt: number }, notice?: string): string {
  const greeting = user.name ? `Hello, ${escape(user.name)}` : "You're signed in";
  return layout(
    'Your account',
    ctx,
    `<main class="demo demo--single">
  <section class="card" aria-labelledby="title">
    <h1 id="title">${greeting}</h1>
    ${notice ? `<p class="notice" role="status">${escape(notice)}</p>` : ''}
    <dl class="facts">
      <dt>Phone number</dt>
      <dd class="number"><strong data-testid="phone" data-e164="${escape(user.phone)}">${escape(formatPhone(user.phone))}</strong></dd>
      <dt>Account created</dt>
      <dd>${escape(new Date(user.createdAt).toISOString().slice(0, 16).replace('T', ' '))} UTC</dd>
    </dl>
    <div class="actions">
      <a class="button" href="/account/number">Change number</a>
      <a class="button" href="/account/recovery-codes">Show recovery codes</a>
    </div>
    <p class="hint">Both first send a code to your number, to check it is you (a step-up); after one, both stay open for 5 minutes.</p>
    <form method="post" action="/logout">
      <button type="submit">Sign out</button>
    </form>
  </section>
</main>`,
  );
}

/** `intent="link"`: the new number is proven first; a number of another account answers after its code. */
export function changeNumberPage(ctx: PageContext, phone: string): string {
  return layout(
    'Change number',
    ctx,
    `<main class="demo">
  <section class="card" aria-labelledby="title">
    <h1 id="title">Change your number</h1>
    <p class="lede">Now: <strong data-testid="phone">${escape(formatPhone(phone))}</strong>. Prove the new one with a code; the old one gets a message.</p>
    ${widget(ctx, ' intent="link" data-done="/account?changed=1"')}
    <p class="hint"><a href="/account">Back to your account</a></p>
  </section>
  ${phonePanel}
</main>`,
    widgetScripts,
  );
}

/** What the step-up page says it opens, by where it goes next. */
const STEP_UP_TARGETS: Readonly<Record<string, string>> = {
  '/account/recovery-codes': 'you see your recovery codes',
  '/account/number': 'you change your number',
};

/** `intent="stepup"`: the account's number, masked, and one "Send code" step; then back to `next`. */
export function stepUpPage(ctx: PageContext, phone: string, next: string): string {
  return layout(
    'Confirm it’s you',
    ctx,
    `<main class="demo">
  <section class="card" aria-labelledby="title">
    <h1 id="title">Confirm it’s you</h1>
    <p class="lede">Before ${escape(STEP_UP_TARGETS[next] ?? 'you continue')}, prove you still have the number on your account, <strong data-testid="masked-phone">${escape(maskedPhone(phone))}</strong>.</p>
    ${widget(ctx, ` intent="stepup" data-done="${escape(next)}"`)}
    <p class="hint"><a href="/account">Not now</a></p>
  </section>
  ${phonePanel}
</main>`,
    widgetScripts,
  );
}

/** The guarded page: only after a recent step-up. */
export function recoveryCodesPage(ctx: PageContext, codes: string[], renewed: boolean): string {
  return layout(
    'Recovery codes',
    ctx,
    `<main class="demo demo--single">
  <section class="card" aria-labelledby="title">
    <h1 id="title">Recovery codes</h1>
    ${renewed ? '<p class="notice" role="status">New codes made; the old ones no longer work.</p>' : ''}
    <p class="lede">Each works once, if you ever lose this number. Keep them somewhere safe.</p>
    <ol class="codes" data-testid="recovery-codes">${codes.map((c) => `<li><code>${escape(c)}</code></li>`).join('')}</ol>
    <form method="post" action="/account/recovery-codes">
      <button type="submit">Make new codes</button>
    </form>
    <p class="hint"><a href="/account">Back to your account</a></p>
  </section>
</main>`,
  );
}
