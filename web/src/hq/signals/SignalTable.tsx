// The risk signals raised (RiskSignalRaised), page by page from risk_monitoring's list; each row
// opens onto the risk reports behind it (for those who read records: hq and admin).
import { Alert, Tag } from "antd";
import { unwrap } from "../../api/client";
import { useApi } from "../../api/ApiProvider";
import { useI18n } from "../../i18n";
import { CursorTable, RISK_COLOUR, useLabel, useReadsRecords, useReference } from "../province/common";
import type { components } from "../../api/generated/risk_monitoring";

type Signal = components["schemas"]["SignalOut"];
type Report = components["schemas"]["ReportOut"];

export function SignalTable({ campaign, province, compact = false }: { campaign: string | null; province: string | null; compact?: boolean }) {
  const api = useApi();
  const { t, beijingTime } = useI18n();
  const label = useLabel();
  const { unitName } = useReference();
  const readsRecords = useReadsRecords();
  const risk = (v: string) => <Tag color={RISK_COLOUR[v]}>{label("figRisk", v)}</Tag>;
  return (
    <CursorTable<Signal> id={compact ? "signals-compact" : "signals"} rowKey="id" deps={[api, campaign, province]} pageSize={compact ? 5 : 20} empty={t("figNoSignals")}
      load={(cursor, limit) => unwrap(api.riskMonitoring.GET("/v1/risk-signals", {
        params: { query: { campaign: campaign ?? undefined, province: province ?? undefined, cursor, limit } },
      }))}
      columns={[
        { title: t("figColProduct"), key: "product", render: (_: unknown, s) => (
          <span className="signal-product"><strong>{s.brand} {s.model}</strong><br /><span className="muted">{s.product_name}（{label("figCat", s.product_category)}）</span></span>) },
        { title: t("figColReportCount"), dataIndex: "reports", align: "right" },
        { title: t("figColRisk"), dataIndex: "risk_level", render: risk },
        ...(compact ? [] : [
          { title: t("figColCampaign"), dataIndex: "campaign" },
          { title: t("figColProvinces"), dataIndex: "provinces", render: (codes: string[]) => codes.map(unitName).join("、") },
          { title: t("figColOccurred"), key: "period", render: (_: unknown, s: Signal) => `${s.first_occurred_on} – ${s.latest_occurred_on}` },
          { title: t("figColRaisedAt"), dataIndex: "raised_at", render: (v: string) => beijingTime(v) },
        ]),
      ]}
      expandable={{
        expandedRowRender: (s) => (readsRecords ? <SignalReports signal={s} province={compact ? province : null} compact={compact} />
          : <Alert type="info" showIcon message={t("figViewerNoReports", { n: s.reports })} />),
      }} />
  );
}

/** The risk reports behind a signal (in a drill-down: the province's own). */
function SignalReports({ signal, province, compact }: { signal: Signal; province: string | null; compact: boolean }) {
  const api = useApi();
  const { t } = useI18n();
  const label = useLabel();
  const { unitName } = useReference();
  return (
    <div className="signal-reports">
      <div className="muted" style={{ marginBottom: 4 }}>{t("figSignalReports")}</div>
      <CursorTable<Report> id={`signal-reports-${signal.id}`} rowKey="id" deps={[api, signal.id, province]} pageSize={50}
        load={(cursor, limit) => unwrap(api.riskMonitoring.GET("/v1/risk-reports", {
          params: { query: { campaign: signal.campaign, product_key: signal.product_key, province: province ?? undefined, cursor, limit } },
        }))}
        columns={[
          ...(compact ? [] : [
            { title: t("figProvince"), dataIndex: "province", render: (c: string) => unitName(c) },
          ]),
          { title: t("figColOccurred"), dataIndex: "occurred_on" },
          ...(compact ? [] : [
            { title: t("figColProduct"), dataIndex: "product_name" },
            { title: t("figColBrandModel"), key: "brand", render: (_: unknown, r: Report) => `${r.brand} / ${r.model}` },
          ]),
          { title: t("figColVenue"), dataIndex: "venue_type", render: (v: string) => label("figVenue", v) },
          { title: t("figColHazard"), dataIndex: "hazard_type", render: (v: string) => label("figHazard", v) },
          { title: t("figColSeverity"), dataIndex: "severity", render: (v: string) => label("figSeverity", v) },
          { title: t("figColRisk"), dataIndex: "risk_level", render: (v: string) => <Tag color={RISK_COLOUR[v]}>{label("figRisk", v)}</Tag> },
        ]} />
    </div>
  );
}
