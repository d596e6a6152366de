// server-plugin/test/support/http.ts
// HTTP as the tests speak it: a client that behaves like the widget (cookie jar and the
// cross-site header), the session cookie of a response, and a JSON fetch for the sandboxes.

import supertest from 'supertest';

/**
 * A client the way the widget is one: a cookie jar, and the request header the
 * cross-site guard requires on every POST.
 */
export function browserAgent(app: Parameters<typeof supertest.agent>[0]): supertest.Agent {
  return supertest.agent(app).set('x-phone-verify', '1');
}

/** The session cookie's value in a response, if it set one. */
export function sessionCookie(res: { headers: Record<string, unknown> }): string | undefined {
  const cookies = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  return cookies.map((c) => c.split(';')[0]!).find((c) => c.startsWith('sid='));
}

/** A fetch against a sandbox with JSON in and out (a body that is not JSON stays text). */
export async function call(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: any; headers: Headers }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
