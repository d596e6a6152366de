// demo/src/pages.ts
// The demo's two pages as HTML strings. Scripts and styles are files, so the
// Content-Security-Policy can forbid anything inline.

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function layout(title: string, body: string, scripts: string[] = []): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · phone-verify demo</title>
<link rel="stylesheet" href="/demo.css">
${scripts.map((src) => `<script type="module" src="${src}"></script>`).join('\n')}
</head>
<body>
${body}
</body>
</html>
`;
}

export function signInPage(): string {
  return layout(
    'Sign in',
    `<main class="demo">
  <section class="card" aria-labelledby="title">
    <h1 id="title">Sign in with your phone</h1>
    <p class="lede">We'll send you a code. No password needed.</p>
    <phone-verify endpoint="/auth/phone"></phone-verify>
  </section>
  <aside class="phone" aria-labelledby="phone-title">
    <h2 id="phone-title">Your phone <small>(demo)</small></h2>
    <p class="hint">No real message is sent. Codes this browser asks for arrive here.</p>
    <ol id="phone-messages" class="messages" aria-live="polite"></ol>
  </aside>
</main>`,
    ['/assets/phone-verify.js', '/phone.js'],
  );
}

export function accountPage(phone: string, since: Date): string {
  return layout(
    'Your account',
    `<main class="demo">
  <section class="card" aria-labelledby="title">
    <h1 id="title">You're signed in</h1>
    <p>Phone number: <strong data-testid="phone">${escape(phone)}</strong></p>
    <p class="hint">Account created ${escape(since.toISOString().slice(0, 16).replace('T', ' '))} UTC.</p>
    <form method="post" action="/logout">
      <button type="submit">Sign out</button>
    </form>
  </section>
</main>`,
  );
}
