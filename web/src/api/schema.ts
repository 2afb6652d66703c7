// The shape of the OpenAPI schemas the build ships to the browser (src/api/generated/documents.ts,
// written by scripts/generate-api.mjs): what the record pages read to build forms and columns.

export interface JsonSchema {
  type?: string;
  format?: string;
  title?: string;
  $ref?: string;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: string[];
  "x-enum-labels"?: Record<string, string>;
  default?: unknown;
  example?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
}

export interface ApiOperation {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  body?: JsonSchema;
  query: { name: string; schema: JsonSchema }[];
}

export interface ApiDocument {
  schemas: Record<string, JsonSchema>;
  operations: Record<string, ApiOperation>;
}
