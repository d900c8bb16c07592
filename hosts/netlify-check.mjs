// Netlify's own parsers (netlify-redirect-parser, netlify-headers-parser, as
// Netlify's build runs them) on biopage's _redirects and _headers: no
// errors, every short link a 302 to its exact tagged URL (forced: Netlify
// would otherwise serve the go/ page that exists there), the security
// headers on every path. Usage: node netlify-check.mjs OUT EXPECT.json
// (EXPECT: {"/go/<id>/": tagged URL} and {"headers": {name: value}}).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllRedirects } from "netlify-redirect-parser";
import { parseAllHeaders } from "netlify-headers-parser";

const [out, expectFile] = process.argv.slice(2);
const expect = JSON.parse(readFileSync(expectFile, "utf8"));
let failures = 0;
const fail = (m) => { failures++; console.error(`FAIL netlify: ${m}`); };

const r = await parseAllRedirects({ redirectsFiles: [join(out, "_redirects")], minimal: false });
if (r.errors.length) fail(`_redirects: ${r.errors.map(String).join("; ")}`);
const byPath = new Map(r.redirects.map((x) => [x.origin ?? x.path, x]));
for (const [path, tagged] of Object.entries(expect.links)) {
  const rule = byPath.get(path);
  if (!rule) { fail(`no rule for ${path}`); continue; }
  if (rule.status !== 302) fail(`${path}: status ${rule.status}`);
  if (!rule.force) fail(`${path}: not forced (Netlify would serve the go/ page instead)`);
  if (rule.to !== tagged) fail(`${path}: to ${rule.to}, expected ${tagged}`);
}
const h = await parseAllHeaders({ headersFiles: [join(out, "_headers")], minimal: false });
if (h.errors.length) fail(`_headers: ${h.errors.map(String).join("; ")}`);
const all = h.headers.find((x) => x.for === "/*");
if (!all) fail("no header rule for /*");
for (const [name, value] of Object.entries(expect.headers)) {
  if (all?.values?.[name] !== value) fail(`/* ${name}: ${all?.values?.[name]}, expected ${value}`);
}
const assets = h.headers.find((x) => x.for === "/assets/*");
if (!assets?.values?.["Cache-Control"]?.includes("immutable")) fail("/assets/* is not cached as immutable");
console.log(`netlify: ${r.redirects.length} redirect rules and ${h.headers.length} header rules parsed, ${Object.keys(expect.links).length} short links checked`);
process.exit(failures ? 1 : 0);
