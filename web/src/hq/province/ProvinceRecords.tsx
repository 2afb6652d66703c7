// A province's records in one campaign, as headquarters reads them: each service's list with the
// HQ token (the monitoring points with their institutional contacts, Attachment 2), page by page.
import { Tabs, Tag } from "antd";
import { unwrap } from "../../api/client";
import { useApi } from "../../api/ApiProvider";
import { useI18n } from "../../i18n";
import { CursorTable, RISK_COLOUR, useLabel } from "./common";


export function ProvinceRecords({ campaign, province }: { campaign: string; province: string }) {
  const api = useApi();
  const { t, number } = useI18n();
  const label = useLabel();
  const deps = [api, campaign, province];
  const query = (cursor: string | undefined, limit: number) => ({ params: { query: { campaign, province, cursor, limit } } });
  const place = (r: { city: string; county: string }) => `${r.city} ${r.county}`;

  const tabs = [
    {
      key: "activities",
      label: t("figActivities"),
      children: (
        <CursorTable id="records-activities" rowKey="id" deps={deps}
          load={(cursor, limit) => unwrap(api.events.GET("/v1/activities", query(cursor, limit)))}
          columns={[
            { title: t("figColTitle"), dataIndex: "title" },
            { title: t("figColKind"), dataIndex: "kind", render: (v: string) => label("figKind", v) },
            { title: t("figColVenue"), dataIndex: "venue_type", render: (v: string) => label("figVenue", v) },
            { title: t("figColVenueName"), dataIndex: "venue_name" },
            { title: t("figColPlace"), key: "place", render: (_: unknown, r) => place(r) },
            { title: t("figColDate"), key: "date", render: (_: unknown, r) => r.report?.held_on ?? r.scheduled_on },
            { title: t("figColParticipants"), key: "participants", align: "right", render: (_: unknown, r) => number(r.report?.participants) },
            { title: t("figColStatus"), dataIndex: "status", render: (v: string) => label("figActStatus", v) },
          ]} />
      ),
    },
    {
      key: "points",
      label: t("figPoints"),
      children: (
        <CursorTable id="records-points" rowKey="id" deps={deps}
          load={(cursor, limit) => unwrap(api.riskMonitoring.GET("/v1/monitoring-points", query(cursor, limit)))}
          columns={[
            { title: t("figColTitle"), dataIndex: "name" },
            { title: t("figColVenue"), dataIndex: "venue_type", render: (v: string) => label("figVenue", v) },
            { title: t("figColPlace"), key: "place", render: (_: unknown, r) => `${place(r)} ${r.address}` },
            { title: t("figColHost"), dataIndex: "host_organization" },
            { title: t("figColContact"), dataIndex: "contact_name" },
            { title: t("figColPhone"), dataIndex: "contact_phone" },
            { title: t("figColEstablished"), dataIndex: "established_on" },
            { title: t("figColEvaluation"), key: "evaluation", render: (_: unknown, r) => (r.latest_evaluation ? `${r.latest_evaluation.score} · ${r.latest_evaluation.evaluated_on}` : "–") },
            { title: t("figColStatus"), dataIndex: "status", render: (v: string) => label("figPointStatus", v) },
          ]} />
      ),
    },
    {
      key: "reports",
      label: t("figReports"),
      children: (
        <CursorTable id="records-reports" rowKey="id" deps={deps}
          load={(cursor, limit) => unwrap(api.riskMonitoring.GET("/v1/risk-reports", query(cursor, limit)))}
          columns={[
            { title: t("figColOccurred"), dataIndex: "occurred_on" },
            { title: t("figColProduct"), key: "product", render: (_: unknown, r) => `${r.product_name}（${label("figCat", r.product_category)}）` },
            { title: t("figColBrandModel"), key: "brand", render: (_: unknown, r) => `${r.brand} / ${r.model}` },
            { title: t("figColHazard"), dataIndex: "hazard_type", render: (v: string) => label("figHazard", v) },
            { title: t("figColSeverity"), dataIndex: "severity", render: (v: string) => label("figSeverity", v) },
            { title: t("figColRisk"), dataIndex: "risk_level", render: (v: string) => <Tag color={RISK_COLOUR[v]}>{label("figRisk", v)}</Tag> },
            { title: t("figColSignal"), dataIndex: "signal", render: (v: boolean) => (v ? <Tag color="red">{t("figColSignal")}</Tag> : null) },
          ]} />
      ),
    },
    {
      key: "sessions",
      label: t("figSessions"),
      children: (
        <CursorTable id="records-sessions" rowKey="id" deps={deps}
          load={(cursor, limit) => unwrap(api.inspection.GET("/v1/inspection-sessions", query(cursor, limit)))}
          columns={[
            { title: t("figColDate"), dataIndex: "date" },
            { title: t("figColInstitution"), dataIndex: "institution" },
            { title: t("figColVenueName"), dataIndex: "venue_name" },
            { title: t("figColPlace"), key: "place", render: (_: unknown, r) => place(r) },
            { title: t("figColServices"), dataIndex: "services", render: (v: string[]) => v.map((s) => label("figService", s)).join("、") },
            { title: t("figColCapacity"), dataIndex: "capacity", align: "right" },
            { title: t("figColConfirmed"), dataIndex: "confirmed", align: "right" },
            { title: t("figColStatus"), dataIndex: "status", render: (v: string) => label("figSessionStatus", v) },
          ]} />
      ),
    },
    {
      key: "surveys",
      label: t("figSurveys"),
      children: (
        <CursorTable id="records-surveys" rowKey="id" deps={deps}
          load={(cursor, limit) => unwrap(api.survey.GET("/v1/surveys", query(cursor, limit)))}
          columns={[
            { title: t("figColTitle"), dataIndex: "title" },
            { title: t("figColProduct"), dataIndex: "product_category", render: (v: string) => label("figCat", v) },
            { title: t("figColOpens"), key: "opens", render: (_: unknown, r) => `${r.opens_on} – ${r.closes_on}` },
            { title: t("figColResponses"), dataIndex: "responses", align: "right" },
            { title: t("figColStatus"), dataIndex: "status", render: (v: string) => label("figSurveyStatus", v) },
          ]} />
      ),
    },
  ];
  return <Tabs id="records-tabs" items={tabs} />;
}
