// @ts-check
// Bundle every widget's front end: js/<stem>.js (+ js/<stem>.css) -> <outdir>/<stem>.js (+ .css).
// Usage: node scripts/build_js.mjs [outdir]   (default: labelwidgets/static)
import { build } from "esbuild";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const outdir = process.argv[2] ?? "labelwidgets/static";
const entries = readdirSync("js").filter((f) => /\.(js|css)$/.test(f)).map((f) => join("js", f));
await build({
  entryPoints: entries,
  outdir,
  bundle: true,
  format: "esm",
  target: "es2020",
  legalComments: "none",
  logLevel: "warning",
});
