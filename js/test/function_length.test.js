// @ts-check
// Style rule of the project: no function over 80 lines of code (comments and blank lines aside),
// nested functions counted in their parent too.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import ts from "typescript";

const JS = new URL("..", import.meta.url).pathname;
const LIMIT = 80;

/** @param {string} dir @returns {string[]} */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".js") ? [path] : [];
  });
}

/**
 * Lines of code of every function in a file: [name, first line, lines of code].
 * @param {string} path
 * @returns {[string, number, number][]}
 */
export function functionLengths(path) {
  const text = readFileSync(path, "utf8");
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const lines = text.split("\n");
  const code = (/** @type {string} */ line) => {
    const t = line.trim();
    return t !== "" && !t.startsWith("//") && !t.startsWith("*") && !t.startsWith("/*");
  };
  /** @type {[string, number, number][]} */
  const found = [];
  /** @param {ts.Node} node */
  const visit = (node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const first = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const last = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = "name" in node && node.name ? node.name.getText(file) : "(anonymous)";
      found.push([name, first + 1, lines.slice(first, last + 1).filter(code).length]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

test(`no function in js/ is longer than ${LIMIT} lines of code`, () => {
  const files = sources(JS);
  assert.ok(files.some((f) => f.endsWith("labeler.js")));
  const long = files.flatMap((path) => functionLengths(path)
    .filter(([, , n]) => n > LIMIT)
    .map(([name, line, n]) => `${relative(JS, path)}:${line} ${name} (${n} lines)`));
  assert.deepEqual(long, []);
});
