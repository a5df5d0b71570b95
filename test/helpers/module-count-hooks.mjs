// Module loader hooks (node:module register) that report every module URL loaded; see module-count.mjs.
let port;
export function initialize(data) {
  port = data.port;
}
export async function load(url, context, next) {
  port.postMessage(url);
  return next(url, context);
}
