// A form built from a request body's OpenAPI schema: one item per field, its label, its input
// (text, date, whole number, choice from the enumeration's labels, several choices, a list of
// texts, a list of sub-forms), required where the schema says so. The other rules (limits,
// formats, the domain's rules) are the service's: its 422 answer is put under the fields it names
// (`showProblem`), in Chinese when the page is.
import { Button, Card, Form, Input, InputNumber, Radio, Select, Space, type FormInstance } from "antd";
import type { NamePath } from "antd/es/form/interface";
import type { ReactNode } from "react";
import { ApiError } from "../api/client";
import type { JsonSchema } from "../api/schema";
import { useI18n } from "../i18n";
import { enumOptions, fieldLabel, kindOf, resolve, type ServiceName } from "./schema";

export interface FieldOptions {
  /** fields shown, in this order (default: every property of the schema) */
  fields?: readonly string[];
  /** fields a page fills itself (the campaign, the province, the external id) */
  omit?: readonly string[];
  /** a field whose item (label, input, rules) a record type draws itself */
  custom?: Record<string, (item: CustomItem) => ReactNode>;
}

export interface CustomItem {
  name: string;
  label: string;
  required: boolean;
  schema: JsonSchema;
}

export function bodyFields(schema: JsonSchema, options: FieldOptions): string[] {
  const all = Object.keys(schema.properties ?? {});
  return (options.fields ?? all).filter((f) => all.includes(f) && !(options.omit ?? []).includes(f));
}

/** `prefix`: the items' name path inside the form (or inside a list's row); `idPath`: the whole
 * path, for the inputs' ids ("questions_0_text") */
export function SchemaFields({ service, schema, options, prefix = [], idPath = prefix }: { service: ServiceName; schema: JsonSchema; options: FieldOptions; prefix?: (string | number)[]; idPath?: (string | number)[] }) {
  const { t, lang } = useI18n();
  const required = new Set(schema.required ?? []);
  return (
    <>
      {bodyFields(schema, options).map((name) => {
        const field = resolve(service, schema.properties?.[name]);
        const label = fieldLabel(field, name, lang);
        const kind = kindOf(service, field);
        const custom = options.custom?.[name];
        const rules = required.has(name) && field.default === undefined ? [{ required: true, message: t("recRequired", { field: label }) }] : [];
        const path = [...prefix, name];
        const id = [...idPath, name].join("_");
        if (custom) return <div key={name}>{custom({ name, label, required: rules.length > 0, schema: field })}</div>;
        if (kind === "objects") {
          const item = resolve(service, field.items);
          return (
            <Form.Item key={name} label={label} required={rules.length > 0}>
              <Form.List name={path}>
                {(rows, { add, remove }) => (
                  <Space direction="vertical" style={{ width: "100%" }}>
                    {rows.map((row, index) => (
                      <Card key={row.key} size="small" title={`${label} ${index + 1}`}
                        extra={<Button type="link" danger onClick={() => remove(row.name)}>{t("recRemove")}</Button>}>
                        <SchemaFields service={service} schema={item} options={{}} prefix={[row.name]} idPath={[...idPath, name, row.name]} />
                      </Card>
                    ))}
                    <Button id={`${id}_add`} onClick={() => add(defaults(service, item))}>{t("recAdd", { what: label })}</Button>
                  </Space>
                )}
              </Form.List>
            </Form.Item>
          );
        }
        return (
          <Form.Item key={name} name={path} label={label} rules={rules} extra={hint(field, lang)}>
            {input(service, field, kind, id, t("recYes"), t("recNo"), lang)}
          </Form.Item>
        );
      })}
    </>
  );
}

function input(service: ServiceName, field: JsonSchema, kind: ReturnType<typeof kindOf>, id: string, yes: string, no: string, lang: "zh" | "en"): ReactNode {
  const placeholder = field.example !== undefined && typeof field.example !== "object" ? String(field.example) : undefined;
  switch (kind) {
    case "enum":
      return <Select id={id} allowClear options={enumOptions(field, lang)} showSearch optionFilterProp="label" />;
    case "enums":
      return <Select id={id} mode="multiple" allowClear options={enumOptions(resolve(service, field.items), lang)} optionFilterProp="label" />;
    case "texts":
      return <Select id={id} mode="tags" open={false} suffixIcon={null} tokenSeparators={["\n"]} />;
    case "integer":
    case "number":
      return <InputNumber id={id} style={{ width: 200 }} placeholder={placeholder} />;
    case "boolean":
      return (
        <Radio.Group id={id} optionType="button" options={[{ value: true, label: yes }, { value: false, label: no }]} />
      );
    case "date":
      return <Input id={id} type="date" style={{ width: 200 }} />;
    case "longText":
      return <Input.TextArea id={id} rows={3} placeholder={placeholder} />;
    default:
      return <Input id={id} placeholder={placeholder} />;
  }
}

function hint(field: JsonSchema, lang: "zh" | "en"): string | undefined {
  const low = field.minimum ?? field.exclusiveMinimum;
  // a scale (a score 0-100, a weight) is worth saying; a count's plausibility bound is not
  if (field.maximum === undefined || low === undefined || field.maximum > 1000) return undefined;
  return lang === "zh" ? `${low} – ${field.maximum}` : `${low} to ${field.maximum}`;
}

/** the schema's defaults, as a new form (or a new row of a list) starts */
export function defaults(service: ServiceName, schema: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(schema.properties ?? {})) {
    const field = resolve(service, raw);
    if (field.default !== undefined && field.default !== null) out[name] = field.default;
  }
  return out;
}

/** the form's values as the body: empty inputs left out, so the service's defaults apply */
export function bodyOf(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === null || value === "") continue;
    out[name] = Array.isArray(value) ? value.map((v) => (v && typeof v === "object" ? bodyOf(v as Record<string, unknown>) : v)) : value;
  }
  return out;
}

/** "questions[0].weight" -> ["questions", 0, "weight"] (the problem's field, as a form path) */
export function formPath(field: string): (string | number)[] {
  return field.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Put a 422's field errors under their items; answer what no item shows (to show above the form). */
export function showProblem(form: FormInstance, error: unknown): string | null {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const shown: string[] = [];
  const rest: string[] = [];
  const byField = new Map<string, string[]>();
  for (const e of error.problem?.errors ?? []) {
    if (!e.field) continue;
    byField.set(e.field, [...(byField.get(e.field) ?? []), e.message ?? ""]);
  }
  const registered = new Set(form.getFieldsError().map((f) => JSON.stringify(f.name)));
  const fields: { name: NamePath; errors: string[] }[] = [];
  for (const [field, messages] of byField) {
    const path = formPath(field);
    // an error inside a field with no item of its own (a list of texts) belongs to that field
    const target = [...Array(path.length).keys()].map((i) => path.slice(0, path.length - i)).find((p) => registered.has(JSON.stringify(p)));
    if (target) {
      fields.push({ name: target, errors: messages });
      shown.push(field);
    } else rest.push(...messages.map((m) => `${field}: ${m}`));
  }
  form.setFields(fields);
  if (fields.length > 0) form.scrollToField(fields[0].name);
  if (rest.length > 0) return rest.join("；");
  return shown.length > 0 ? null : error.message;
}
