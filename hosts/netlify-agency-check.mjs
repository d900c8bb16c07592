// An agency's _headers as Netlify reads it (netlify-headers-parser, whose
// rules carry the `forRegExp` Netlify matches paths with): no errors, each
// creator's fingerprinted assets cached for a year, its pages not.
// Usage: node netlify-agency-check.mjs OUT HANDLE...
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parseAllHeaders } from "netlify-headers-parser";

const [out, ...handles] = process.argv.slice(2);
let failures = 0;
const fail = (m) => { failures++; console.error(`FAIL netlify (agency): ${m}`); };
const h = await parseAllHeaders({ headersFiles: [join(out, "_headers")], minimal: false });
if (h.errors.length) fail(`_headers: ${h.errors.map(String).join("; ")}`);
const cacheFor = (path) => h.headers
  .filter((rule) => rule.forRegExp.test(path))
  .map((rule) => rule.values["Cache-Control"])
  .filter(Boolean)
  .join(", ");
let assets = 0;
for (const handle of handles) {
  for (const file of readdirSync(join(out, handle, "assets"))) {
    assets++;
    const path = `/${handle}/assets/${file}`;
    if (!cacheFor(path).includes("immutable")) fail(`${path}: Cache-Control "${cacheFor(path)}"`);
  }
  for (const path of [`/${handle}/`, `/${handle}/go/l/`, `/${handle}/qr.svg`]) {
    if (cacheFor(path).includes("immutable")) fail(`${path} is cached as immutable`);
  }
}
if (!assets) fail("no assets to check");
console.log(`netlify (agency): ${assets} assets of ${handles.length} creators cached for a year, their pages not`);
process.exit(failures ? 1 : 0);
