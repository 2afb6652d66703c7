// The few inputs a schema cannot describe by itself: a reference to another record (chosen from
// the province's list of them, not typed as an id) and a survey's answers (one score per question
// of that survey). Keyed by operation id and field name.
import { Form, Input, Radio, Select } from "antd";
import type { ReactNode } from "react";
import { useApi } from "../api/ApiProvider";
import { useI18n } from "../i18n";
import { useAsync } from "../useAsync";
import type { Row } from "./recordTypes";
import { call } from "./call";
import type { CustomItem } from "./SchemaForm";

type Custom = { fields: Record<string, (item: CustomItem) => ReactNode>; initial: Record<string, unknown> };

export function customFields(op: string, row: Row | undefined): Custom {
  switch (op) {
    case "risk-reports-submit":
      return { fields: { monitoring_point_id: (item) => <PointSelect item={item} /> }, initial: {} };
    case "inspection-results-record":
      return row ? { fields: { booking_id: (item) => <BookingSelect item={item} session={row.id} /> }, initial: {} } : NONE;
    case "responses-submit":
      // typed in from paper, as the responses workbook records them (channel "paper")
      return row ? { fields: { answers: () => <Answers survey={row} />, channel: () => <Form.Item name="channel" hidden><Input /></Form.Item> }, initial: { channel: "paper" } } : NONE;
    default:
      return NONE;
  }
}

const NONE: Custom = { fields: {}, initial: {} };

function rules(item: CustomItem, message: string) {
  return item.required ? [{ required: true, message }] : [];
}

function PointSelect({ item }: { item: CustomItem }) {
  const api = useApi();
  const { t } = useI18n();
  const points = useAsync(
    async () => (await call(api, "risk_monitoring", "monitoring-points-list", { query: { status: "active", limit: 200 } })) as { items: Row[] },
    [api],
  );
  return (
    <Form.Item name={item.name} label={item.label} rules={rules(item, t("recRequired", { field: item.label }))}>
      <Select id={item.name} showSearch optionFilterProp="label" loading={points.loading}
        options={(points.data?.items ?? []).map((p) => ({ value: p.id, label: `${String(p.name)}（${String(p.county)}）` }))} />
    </Form.Item>
  );
}

function BookingSelect({ item, session }: { item: CustomItem; session: string }) {
  const api = useApi();
  const { t } = useI18n();
  const bookings = useAsync(
    async () => (await call(api, "inspection", "bookings-list", { id: session, query: { status: "confirmed", limit: 200 } })) as { items: Row[] },
    [api, session],
  );
  return (
    <Form.Item name={item.name} label={item.label} extra={t("recBookingHint")}>
      <Select id={item.name} allowClear loading={bookings.loading}
        options={(bookings.data?.items ?? []).map((b) => ({ value: b.id, label: `${String(b.consumer_name)} ${String(b.consumer_phone)}` }))} />
    </Form.Item>
  );
}

type Question = { id: string; text: string; scale_max: number; required?: boolean };

function Answers({ survey }: { survey: Row }) {
  const { t } = useI18n();
  const questions = (survey.questions as Question[] | undefined) ?? [];
  return (
    <>
      {questions.map((q, index) => (
        <Form.Item key={q.id} name={["answers", q.id]} label={`${index + 1}. ${q.text}`}
          rules={q.required === false ? [] : [{ required: true, message: t("recAnswerRequired") }]}>
          <Radio.Group id={`answers_${q.id}`} optionType="button"
            options={Array.from({ length: q.scale_max }, (_, i) => ({ value: i + 1, label: String(i + 1) }))} />
        </Form.Item>
      ))}
    </>
  );
}
