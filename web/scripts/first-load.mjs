// What a browser downloads on the first visit, gzipped (as the gateway serves it): the entry's
// JavaScript and CSS with everything they import, and each workspace's chunk on top of that.
// Read from Vite's manifest of the last build (dist/.vite/manifest.json).
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const dist = new URL("../dist/", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL(".vite/manifest.json", dist), "utf8"));
const gz = (file) => gzipSync(readFileSync(new URL(file, dist)), { level: 6 }).length;

function closure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const imported of manifest[key].imports ?? []) closure(imported, seen);
  return seen;
}
function size(keys) {
  let js = 0;
  let css = 0;
  for (const key of keys) {
    js += gz(manifest[key].file);
    for (const sheet of manifest[key].css ?? []) css += gz(sheet);
  }
  return { js, css };
}
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
const first = closure(entry);
const base = size(first);
console.log(`first load (the sign-in page): JavaScript ${kb(base.js)} gzipped, CSS ${kb(base.css)}`);
const lazy = manifest[entry].dynamicImports ?? [];
const frame = lazy.find((k) => k.includes("layout/"));
for (const page of lazy.filter((k) => k !== frame)) {
  const keys = new Set([...first, ...(frame ? closure(frame) : []), ...closure(page)]);
  const total = size(keys);
  console.log(`signed in, ${page.replace(/^src\//, "")}: JavaScript ${kb(total.js)} gzipped in all`);
}
