// Types for the services' APIs, from the OpenAPI documents `sanjin openapi` writes into
// openapi/<name>.openapi.json (one per service of the registry). Run before every type check and build,
// so the client cannot drift from the services.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";

const source = new URL("../openapi/", import.meta.url);
const target = new URL("../src/api/generated/", import.meta.url);
let documents;
try {
  documents = readdirSync(source).filter((name) => name.endsWith(".openapi.json"));
} catch {
  documents = [];
}
if (documents.length === 0) {
  console.error("no OpenAPI documents in web/openapi: run `sanjin openapi --out web/openapi` (make web)");
  process.exit(1);
}
mkdirSync(target, { recursive: true });
for (const name of documents) {
  const document = JSON.parse(readFileSync(new URL(name, source), "utf8"));
  const ast = await openapiTS(document);
  const header = `// Generated from openapi/${name} by scripts/generate-api.mjs. Do not edit.\n`;
  const module = name.replace(/\.openapi\.json$/, ".ts");
  writeFileSync(new URL(module, target), header + astToString(ast));
  console.log(`src/api/generated/${module}`);
}
