// consumer/apps/node/track.mjs — a module-resolution hook (node:module register) that
// reports every URL Node resolves, so imports.mjs can tell what an entry really loads.

let port;
export function initialize(data) {
  port = data.port;
}
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  port.postMessage(result.url);
  return result;
}
