// Reading the services' OpenAPI schemas (shipped at build time, src/api/generated/documents.ts)
// for the record pages: a field's label in the chosen language, its kind, its enumeration's labels.
// The Chinese labels are the declarations' titles; English is the declared field name or value,
// written out ("venue_type" -> "Venue type"), so no label is typed twice.
import { documents } from "../api/generated/documents";
import type { ApiOperation, JsonSchema } from "../api/schema";
import type { Lang } from "../i18n";

export type ServiceName = "events" | "risk_monitoring" | "inspection" | "survey";

export function operation(service: ServiceName, operationId: string): ApiOperation {
  const found = documents[service]?.operations[operationId];
  if (!found) throw new Error(`${service} has no operation ${operationId}`);
  return found;
}

/** the schema a `$ref` names, and `X | null` as X */
export function resolve(service: ServiceName, schema: JsonSchema | undefined): JsonSchema {
  if (!schema) return {};
  if (schema.$ref) {
    const target = documents[service]?.schemas[schema.$ref.split("/").pop() ?? ""] ?? {};
    return { ...target, title: schema.title ?? target.title, default: schema.default ?? target.default };
  }
  if (schema.anyOf) {
    const concrete = schema.anyOf.filter((s) => s.type !== "null");
    if (concrete.length === 1) return { ...resolve(service, concrete[0]), title: schema.title, default: schema.default };
  }
  return schema;
}

export function named(service: ServiceName, name: string): JsonSchema {
  const schema = documents[service]?.schemas[name];
  if (!schema) throw new Error(`${service} has no schema ${name}`);
  return schema;
}

/** a model's field (dotted paths reach into nested models: "report.participants") */
export function fieldSchema(service: ServiceName, model: JsonSchema, path: string): JsonSchema {
  let schema = resolve(service, model);
  for (const part of path.split(".")) schema = resolve(service, schema.properties?.[part]);
  return schema;
}

export function spelled(name: string): string {
  const words = name.replace(/[_.-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function fieldLabel(schema: JsonSchema, name: string, lang: Lang): string {
  const last = name.split(".").pop() ?? name;
  return lang === "zh" && schema.title ? schema.title : spelled(last);
}

export function enumOptions(schema: JsonSchema, lang: Lang): { value: string; label: string }[] {
  const labels = schema["x-enum-labels"] ?? {};
  return (schema.enum ?? []).map((value) => ({ value, label: lang === "zh" ? labels[value] ?? value : spelled(value) }));
}

export type Kind = "text" | "longText" | "date" | "dateTime" | "integer" | "number" | "boolean" | "enum" | "enums" | "texts" | "objects" | "map" | "object";

export function kindOf(service: ServiceName, schema: JsonSchema): Kind {
  if (schema.enum) return "enum";
  if (schema.type === "array") {
    const item = resolve(service, schema.items);
    if (item.enum) return "enums";
    if (item.type === "object" || item.properties) return "objects";
    return "texts";
  }
  if (schema.type === "object" || schema.properties) return schema.properties ? "object" : "map";
  if (schema.type === "integer") return "integer";
  if (schema.type === "number") return "number";
  if (schema.type === "boolean") return "boolean";
  if (schema.format === "date") return "date";
  if (schema.format === "date-time") return "dateTime";
  return (schema.maxLength ?? 0) >= 1000 ? "longText" : "text";
}
