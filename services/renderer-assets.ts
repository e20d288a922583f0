/**
 * What both hosts send with the built renderer (the desktop shell's `app:` scheme and the web
 * host's loopback HTTP): one Content-Security-Policy and one file-type table, so that the app is
 * held to the same policy whichever host serves it. renderer/index.html repeats the policy in a
 * meta tag (without frame-ancestors, which a meta tag cannot carry); a unit test keeps them equal.
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // antd writes its styles at run time (CSS-in-JS); no script may be inline.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** The content type of a built renderer file by its extension (`.js`); unknown types are opaque bytes. */
export const contentTypeOf = (extension: string): string => MIME[extension] ?? 'application/octet-stream';

/** The headers every renderer file is served with, whichever host serves it. */
export const rendererFileHeaders = (extension: string): Record<string, string> => ({
  'Content-Type': contentTypeOf(extension),
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
});
