// bench:stack's Caddyfile variants: deploy/caddy/Caddyfile with one part of its config taken
// out, to measure what each part costs per proxied request.

/** `text` with `pattern` replaced; throws when the Caddyfile no longer has what a variant edits. */
export function edit(text: string, pattern: RegExp, replacement: string, what: string) {
  if (!pattern.test(text)) throw new Error(`deploy/caddy/Caddyfile: ${what} not found`);
  return text.replace(pattern, replacement);
}

// What each part of the api site's config costs per proxied request: the same Caddyfile with one
// part taken out, each in a Caddy of its own. Measurements only: a part goes from the deployed
// Caddyfile only if stack.test still passes without it.
const VARIANTS: Record<string, (caddyfile: string) => string> = {
  as_deployed: (c) => c,
  no_body_limit_expression: (c) =>
    edit(
      c,
      /\t@body_over_limit expression [^\n]*\n\terror @body_over_limit 413\n/,
      '',
      'the body-limit expression matcher',
    ),
  no_encode_on_api: (c) =>
    edit(c, /\timport compress-text \/api\/v1\/\*\n/, '', "the api site's compress-text"),
  no_header_blocks: (c) =>
    edit(
      edit(c, /(\(common\) \{[\s\S]*?)\timport security-headers\n/, '$1', "common's headers"),
      /\theader \{\n\t\tAccess-Control-Allow-Origin[\s\S]*?\n\t\}\n/,
      '',
      "the api site's CORS header block",
    ),
  no_access_log: (c) => edit(c, /\tlog \{\n[\s\S]*?\n\t\}\n/, '', 'the access log block'),
  // The access log without the request's and the response's headers and the TLS details, which
  // Caddy 2.6 writes into every line.
  access_log_lean: (c) =>
    edit(
      c,
      /(\tlog \{\n[\s\S]*?)\t\tformat json\n/,
      '$1\t\tformat filter {\n\t\t\twrap json\n\t\t\tfields {\n\t\t\t\trequest>headers delete\n\t\t\t\trequest>tls delete\n\t\t\t\tresp_headers delete\n\t\t\t}\n\t\t}\n',
      "the access log's `format json`",
    ),
};
VARIANTS.none_of_these = (c) =>
  ['no_body_limit_expression', 'no_encode_on_api', 'no_header_blocks', 'no_access_log'].reduce(
    (text, name) => VARIANTS[name]!(text),
    c,
  );

/** Each variant's Caddyfile by name; throws when `deployed` no longer has what one edits. */
export function caddyfileVariants(deployed: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(VARIANTS).map(([name, variant]) => [name, variant(deployed)]),
  );
}
