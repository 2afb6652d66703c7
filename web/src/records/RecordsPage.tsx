// 记录: the province's records of every type (recordTypes.ts), one tab each: a list with filters
// and server-side paging, the create form, and per row the operations its state allows. Forms and
// columns are built from the services' OpenAPI schemas (SchemaForm.tsx, schema.ts).
import { Alert, Button, Card, Descriptions, Form, Input, Modal, Select, Space, Table, Tabs, Tag, Typography, message } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
import { useLocation, useNavigate, useParams } from "react-router";
import { useApi } from "../api/ApiProvider";
import { unwrap } from "../api/client";
import type { JsonSchema } from "../api/schema";
import { currentCampaign } from "../campaigns";
import { useI18n } from "../i18n";
import { useAsync } from "../useAsync";
import { call } from "./call";
import { customFields } from "./customFields";
import { PAGE_FILLED, RECORD_TYPES, type Action, type RecordType, type Row } from "./recordTypes";
import { enumOptions, fieldLabel, fieldSchema, kindOf, named, operation, resolve, type ServiceName } from "./schema";
import { SchemaFields, bodyOf, defaults, showProblem } from "./SchemaForm";

const PAGE_SIZE = 20;

export default function RecordsPage() {
  const api = useApi();
  const { t } = useI18n();
  const navigate = useNavigate();
  const rest = useParams()["*"] ?? "";
  const selected = rest.split("/")[0] || RECORD_TYPES[0].key;
  // the page's own path: the location without what its splat matched
  const here = useLocation().pathname.replace(/\/$/, "");
  const base = (rest ? here.slice(0, here.length - rest.replace(/\/$/, "").length) : here).replace(/\/$/, "");
  const campaigns = useAsync(() => unwrap(api.aggregator.GET("/v1/campaigns")), [api]);
  const items = campaigns.data?.items ?? [];
  const [campaign, setCampaign] = useState<string | null>(null);
  const chosen = campaign ?? currentCampaign(items)?.campaign ?? null;
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} id="records">
      <Space align="center" wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>{t("recTitle")}</Typography.Title>
        <Select id="rec-campaign" showSearch style={{ minWidth: 200 }} popupMatchSelectWidth={false} value={chosen} loading={campaigns.loading} onChange={setCampaign}
          options={items.map((c) => ({ value: c.campaign, label: t("recCampaignOption", { campaign: c.campaign }) }))} />
      </Space>
      {campaigns.error && <Alert type="error" showIcon message={campaigns.error.message} />}
      {!campaigns.loading && !chosen && <Alert type="info" showIcon message={t("recNoCampaign")} />}
      {chosen && (
        <Tabs activeKey={selected} onChange={(key) => navigate(`${base}/${key}`)} destroyInactiveTabPane
          items={RECORD_TYPES.map((type) => ({ key: type.key, label: t(type.label), children: <RecordTable type={type} campaign={chosen} /> }))} />
      )}
    </Space>
  );
}

function RecordTable({ type, campaign, parent }: { type: RecordType; campaign: string; parent?: Row }) {
  const api = useApi();
  const { t, lang, beijingTime } = useI18n();
  const rowSchema = named(type.service, type.row);
  const [filterForm] = Form.useForm();
  const [filters, setFilters] = useState<Record<string, unknown>>({});
  const [cursors, setCursors] = useState<(string | null)[]>([null]); // the cursor of each page seen
  const [reload, setReload] = useState(0);
  const [open, setOpen] = useState<{ action: Action; row?: Row } | null>(null);
  const page = cursors.length - 1;
  const list = useAsync(async () => {
    const query: Record<string, unknown> = { ...filters, limit: PAGE_SIZE, cursor: cursors[page] ?? undefined };
    if (!parent) query.campaign = campaign;
    return (await call(api, type.service, type.list, { id: parent?.id, query })) as { items: Row[]; next_cursor: string | null };
  }, [api, type, campaign, filters, cursors, reload, parent?.id]);
  const refresh = useCallback(() => setReload((n) => n + 1), []);
  useEffect(() => setCursors([null]), [campaign, filters]);

  const columns: ColumnsType<Row> = [
    ...type.columns.map((path) => {
      const schema = fieldSchema(type.service, rowSchema, path);
      return {
        key: path,
        dataIndex: path.split("."),
        title: fieldLabel(schema, path, lang),
        render: (value: unknown) => shown(type.service, schema, value, lang, beijingTime),
      };
    }),
    {
      key: "actions",
      title: t("recActions"),
      fixed: "right" as const,
      render: (_: unknown, row: Row) => (
        <Space size={0} wrap>
          {type.actions.filter((a) => !a.when || a.when(row)).map((a) => (
            <Button key={a.label + a.op} type="link" size="small" danger={a.danger} onClick={() => setOpen({ action: a, row })}
              data-action={a.op}>{t(a.label)}</Button>
          ))}
        </Space>
      ),
    },
  ];

  const operationQuery = operation(type.service, type.list).query;
  return (
    <Space direction="vertical" style={{ width: "100%" }} className={`records-${type.key}`}>
      {type.filters.length > 0 && (
        <Form form={filterForm} layout="inline" onFinish={(values) => setFilters(bodyOf(values))} className="records-filters">
          {type.filters.map((f) => {
            const label = fieldLabel(fieldSchema(type.service, rowSchema, f.field), f.field, lang);
            const param = resolve(type.service, operationQuery.find((q) => q.name === f.param)?.schema);
            if (f.to) {
              return (
                <Form.Item key={f.param} label={label}>
                  <Space.Compact>
                    <Form.Item name={f.param} noStyle><Input type="date" style={{ width: 150 }} /></Form.Item>
                    <Form.Item name={f.to} noStyle><Input type="date" style={{ width: 150 }} /></Form.Item>
                  </Space.Compact>
                </Form.Item>
              );
            }
            return (
              <Form.Item key={f.param} name={f.param} label={label}>
                <Select allowClear style={{ width: 150 }} options={enumOptions(param, lang)} placeholder={t("recAll")} />
              </Form.Item>
            );
          })}
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit">{t("recSearch")}</Button>
              <Button onClick={() => { filterForm.resetFields(); setFilters({}); }}>{t("recReset")}</Button>
            </Space>
          </Form.Item>
        </Form>
      )}
      <Card size="small" title={parent ? t(type.label) : undefined}
        extra={type.create && <Button type="primary" id={`create-${type.key}`} onClick={() => setOpen({ action: type.create as Action })}>{t(type.create.label)}</Button>}>
        {list.error && <Alert type="error" showIcon message={list.error.message} style={{ marginBottom: 12 }} />}
        <Table<Row> rowKey="id" size="small" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading} pagination={false}
          scroll={{ x: "max-content" }}
          expandable={type.children ? {
            expandedRowRender: (row) => (
              <Space direction="vertical" style={{ width: "100%" }}>
                {type.children?.map((child) => <RecordTable key={child.key} type={child} campaign={campaign} parent={row} />)}
              </Space>
            ),
          } : undefined} />
        <Space style={{ marginTop: 12 }}>
          <Button size="small" disabled={page === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>{t("recPrevious")}</Button>
          <Typography.Text type="secondary">{t("recPage", { page: page + 1 })}</Typography.Text>
          <Button size="small" disabled={!list.data?.next_cursor} onClick={() => setCursors((c) => [...c, list.data?.next_cursor ?? null])}>{t("recNext")}</Button>
        </Space>
      </Card>
      {open && (
        <ActionModal type={type} action={open.action} row={open.row} campaign={campaign}
          onClose={(changed) => { setOpen(null); if (changed) refresh(); }} />
      )}
    </Space>
  );
}

/** a value in a cell or a description: an enumeration by its label, a list joined, a time in Beijing */
function shown(service: ServiceName, schema: JsonSchema, value: unknown, lang: "zh" | "en", time: (iso: string) => string): ReactNode {
  if (value === null || value === undefined || value === "") return "–";
  const kind = kindOf(service, schema);
  if (kind === "enum") {
    const label = enumOptions(schema, lang).find((o) => o.value === value)?.label ?? String(value);
    return schema.title === "状态" || /status/i.test(String(schema.$ref ?? "")) ? <Tag>{label}</Tag> : label;
  }
  if (kind === "enums" && Array.isArray(value)) {
    const options = enumOptions(resolve(service, schema.items), lang);
    return value.map((v) => options.find((o) => o.value === v)?.label ?? String(v)).join("、");
  }
  if (kind === "dateTime") return time(String(value));
  if (kind === "boolean") return value ? "✓" : "✗";
  if (Array.isArray(value)) return value.map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v))).join("；");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function ActionModal({ type, action, row, campaign, onClose }: { type: RecordType; action: Action; row?: Row; campaign: string; onClose: (changed: boolean) => void }) {
  const api = useApi();
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const key = useMemo(() => crypto.randomUUID(), []);
  const spec = operation(type.service, action.op);
  const body = resolve(type.service, spec.body);
  const kind = action.kind ?? (spec.body ? "form" : "confirm");
  const title = t(action.label) + (row ? ` · ${String(row.title ?? row.name ?? row.institution ?? row.product_name ?? row.consumer_name ?? row.id)}` : "");
  const custom = customFields(action.op, row);
  const initial = useMemo(() => {
    const start = defaults(type.service, body);
    if (action.prefill && row) {
      const source = action.op === "activities-report" ? (row.report as Record<string, unknown> | null) ?? {} : row;
      for (const name of Object.keys(body.properties ?? {})) if (source[name] !== undefined && source[name] !== null) start[name] = source[name];
    }
    return { ...start, ...custom.initial };
  }, [type.service, body, action, row, custom.initial]);

  const submit = async () => {
    setProblem(null);
    let values: Record<string, unknown> = {};
    if (kind === "form") {
      try {
        values = await form.validateFields();
      } catch {
        return; // the form shows what is missing
      }
    }
    setBusy(true);
    try {
      const payload = kind === "form" ? { ...bodyOf(values), ...(action.creates && !row ? { campaign } : {}) } : undefined;
      // a create's body names the campaign when its schema has one
      if (payload && !("campaign" in (body.properties ?? {}))) delete payload.campaign;
      await call(api, type.service, action.op, { id: row?.id, body: payload, key: action.creates ? key : undefined });
      message.success(t("recSaved"));
      onClose(true);
    } catch (error) {
      setProblem(showProblem(form, error));
    } finally {
      setBusy(false);
    }
  };

  if (kind === "details" || kind === "results") {
    return (
      <Modal open title={title} width={760} onCancel={() => onClose(false)} footer={<Button onClick={() => onClose(false)}>{t("recClose")}</Button>}>
        {kind === "details" && row ? <Details type={type} row={row} /> : <SurveyResults survey={row as Row} />}
      </Modal>
    );
  }
  return (
    <Modal open title={title} width={kind === "form" ? 760 : 480} onCancel={() => onClose(false)} destroyOnHidden
      footer={
        <Space>
          <Button onClick={() => onClose(false)}>{t("recDismiss")}</Button>
          <Button id="rec-submit" type="primary" danger={action.danger} loading={busy} onClick={submit}>{kind === "confirm" ? t("recConfirm") : t("recSave")}</Button>
        </Space>
      }>
      {problem && <Alert id="rec-problem" type="error" showIcon message={problem} style={{ marginBottom: 16 }} />}
      {kind === "confirm" ? (
        <Typography.Paragraph>{t("recConfirmText", { action: t(action.label) })}</Typography.Paragraph>
      ) : (
        <Form form={form} layout="horizontal" labelCol={{ flex: "160px" }} labelWrap initialValues={initial} id="rec-form" scrollToFirstError>
          <SchemaFields service={type.service} schema={body}
            options={{ fields: action.fields, omit: [...(action.creates && !row ? PAGE_FILLED : ["external_id"]), ...(row && action.hide ? action.hide(row) : [])], custom: custom.fields }} />
        </Form>
      )}
    </Modal>
  );
}

function Details({ type, row }: { type: RecordType; row: Row }) {
  const { lang, beijingTime } = useI18n();
  const schema = named(type.service, type.row);
  return (
    <Descriptions column={1} size="small" bordered labelStyle={{ width: 180 }}>
      {Object.keys(schema.properties ?? {}).map((name) => {
        const field = fieldSchema(type.service, schema, name);
        const value = row[name];
        const rendered = kindOf(type.service, field) === "object" && value && typeof value === "object"
          ? Object.entries(value as Record<string, unknown>).map(([k, v]) => `${fieldLabel(fieldSchema(type.service, field, k), k, lang)}：${String(shown(type.service, fieldSchema(type.service, field, k), v, lang, beijingTime) ?? "")}`).join("；")
          : shown(type.service, field, value, lang, beijingTime);
        return <Descriptions.Item key={name} label={fieldLabel(field, name, lang)}>{rendered}</Descriptions.Item>;
      })}
    </Descriptions>
  );
}

type Estimate = { responses: number; satisfaction_index: number | null; ci95: [number, number] | null; unstable: boolean };
type Results = Estimate & { by_dimension: Record<string, Estimate> };

function SurveyResults({ survey }: { survey: Row }) {
  const api = useApi();
  const { t, number } = useI18n();
  const results = useAsync(async () => (await call(api, "survey", "survey-results-get", { id: survey.id })) as Results, [api, survey.id]);
  if (results.loading) return <Typography.Text>{t("loading")}</Typography.Text>;
  if (results.error || !results.data) return <Alert type="error" showIcon message={results.error?.message} />;
  const r = results.data;
  return (
    <Descriptions column={1} size="small" bordered id="survey-results">
      <Descriptions.Item label={t("recResponses")}>{number(r.responses)}</Descriptions.Item>
      <Descriptions.Item label={t("recIndex")}>{number(r.satisfaction_index)}{r.unstable && <Tag color="orange" style={{ marginLeft: 8 }}>{t("recUnstable")}</Tag>}</Descriptions.Item>
      <Descriptions.Item label={t("recInterval")}>{r.ci95 ? `${number(r.ci95[0])} – ${number(r.ci95[1])}` : "–"}</Descriptions.Item>
      {Object.entries(r.by_dimension).map(([dimension, estimate]) => (
        <Descriptions.Item key={dimension} label={`${t("recDimension")} ${dimension}`}>{number(estimate.satisfaction_index)}（{t("recResponsesShort", { n: estimate.responses })}）</Descriptions.Item>
      ))}
    </Descriptions>
  );
}
