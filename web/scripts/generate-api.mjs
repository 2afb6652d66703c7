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
// Beside the types, the documents' schemas and operations for the browser (the record pages build
// their forms and table columns from them: titles, enumerations with their labels, required fields,
// formats, limits), without the English descriptions and the error answers, to stay small.
const forms = {};
for (const name of documents) {
  const document = JSON.parse(readFileSync(new URL(name, source), "utf8"));
  const schemas = {};
  for (const [key, schema] of Object.entries(document.components?.schemas ?? {})) schemas[key] = lean(schema);
  const operations = {};
  for (const [path, methods] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(methods)) {
      if (!operation.operationId) continue;
      const body = operation.requestBody?.content?.["application/json"]?.schema;
      operations[operation.operationId] = {
        method: method.toUpperCase(),
        path,
        ...(body ? { body: lean(body) } : {}),
        query: (operation.parameters ?? []).filter((p) => p.in === "query").map((p) => ({ name: p.name, schema: lean(p.schema) })),
      };
    }
  }
  forms[name.replace(/\.openapi\.json$/, "")] = { schemas, operations };
}
writeFileSync(
  new URL("documents.ts", target),
  "// Generated from openapi/*.openapi.json by scripts/generate-api.mjs. Do not edit.\n" +
    'import type { ApiDocument } from "../schema";\n\n' +
    `export const documents = ${JSON.stringify(forms)} as unknown as Record<string, ApiDocument>;\n`,
);
console.log("src/api/generated/documents.ts");

/** a schema without what the forms do not read (descriptions, titles of whole models) */
function lean(schema) {
  if (Array.isArray(schema)) return schema.map(lean);
  if (!schema || typeof schema !== "object") return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties" || key === "patternProperties") {
      // field names, not keywords (a risk report has a field named "description")
      out[key] = Object.fromEntries(Object.entries(value).map(([field, s]) => [field, lean(s)]));
      continue;
    }
    if (key === "description") continue;
    if (key === "examples") {
      out.example = value[0];
      continue;
    }
    out[key] = key === "enum" || key === "x-enum-labels" || key === "default" || key === "example" ? value : lean(value);
  }
  return out;
}

for (const name of documents) {
  const document = JSON.parse(readFileSync(new URL(name, source), "utf8"));
  const ast = await openapiTS(document);
  const header = `// Generated from openapi/${name} by scripts/generate-api.mjs. Do not edit.\n`;
  const module = name.replace(/\.openapi\.json$/, ".ts");
  writeFileSync(new URL(module, target), header + astToString(ast));
  console.log(`src/api/generated/${module}`);
}
