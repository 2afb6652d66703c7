// The national board (全国看板): the chosen metric on the map of the 31 provincial polygons
// (XPCC, which has none, is a marker beside Xinjiang), the ranking, the national totals, the
// daily trend and the 32-unit tracker of report submissions. It opens on the current campaign (or
// the one the address names), downloads the statistics and the register with the bearer token, and
// a click on a province (map, ranking, tracker) opens its drill-down.
import { Alert, Button, Card, Col, Row, Select, Space, Table, Tag, Typography } from "antd";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { unwrap, type AggregatorSchemas } from "../api/client";
import { useApi } from "../api/ApiProvider";
import { Chart } from "../charts/Chart";
import { REGION_BY_CODE, type echarts } from "../charts/echarts";
import { useI18n } from "../i18n";
import { useAsync } from "../useAsync";
import { DownloadButton, STATUS_COLOUR, useCampaign, useReference } from "./province/common";

type Metric = keyof AggregatorSchemas["Metrics"];
type Statistics = AggregatorSchemas["Statistics"];
type TrackerRow = AggregatorSchemas["TrackerRowOut"];

const XPCC = "660000";
const XPCC_AT: [number, number] = [86.08, 44.31]; // Shihezi, the Corps' seat, beside Xinjiang
const REFRESH_MS = 30_000;

// read by the browser tests (the map's model and when it was drawn); nothing secret in it
interface BoardProbe {
  state: { ready: boolean; renders: number; campaign: string | null; metric: Metric };
  charts: { map?: echarts.ECharts };
}
declare global {
  interface Window {
    sanjin?: BoardProbe;
  }
}
// the board's files: the live statistics (Attachment 1) and the register of monitoring points (Attachment 2)
const DOWNLOADS = [
  { id: "download-statistics-xlsx", label: "figStatisticsXlsx", path: "/v1/campaigns/{campaign}/statistics.xlsx", name: "statistics.xlsx" },
  { id: "download-statistics-csv", label: "figStatisticsCsv", path: "/v1/campaigns/{campaign}/statistics.csv", name: "statistics.csv" },
  { id: "download-register-xlsx", label: "figRegisterXlsx", path: "/v1/campaigns/{campaign}/monitoring-points.xlsx", name: "monitoring-points.xlsx" },
  { id: "download-register-csv", label: "figRegisterCsv", path: "/v1/campaigns/{campaign}/monitoring-points.csv", name: "monitoring-points.csv" },
] as const;
const probe: BoardProbe = { state: { ready: false, renders: 0, campaign: null, metric: "participants" }, charts: {} };

export default function Dashboard() {
  const api = useApi();
  const { t, lang, beijingTime, number } = useI18n();
  const navigate = useNavigate();
  const { campaign, campaigns, choose: setCampaign, loading: campaignsLoading, error: campaignsError, reload: reloadCampaigns } = useCampaign();
  const [metric, setMetric] = useState<Metric>("participants");
  const reference = useReference();

  const figures = useAsync(async () => {
    if (campaign === null) return null;
    const path = { params: { path: { campaign } } };
    const [table, tracker, daily] = await Promise.all([
      unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/statistics", path)),
      unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/submissions", path)),
      unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/statistics/daily", path)),
    ]);
    return { table, tracker, daily };
  }, [api, campaign]);
  const { reload } = figures;
  useEffect(() => {
    const timer = window.setInterval(reload, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload]);

  const { metrics, unitName, metricLabel } = reference;
  const drill = useCallback((code: string) => {
    if (campaign) navigate(`provinces/${code}?campaign=${encodeURIComponent(campaign)}`);
  }, [navigate, campaign]);
  const drillRef = useRef(drill);
  drillRef.current = drill;
  // a click on a province of the map or a bar of the ranking: the data item carries its code
  const onClicks = useCallback((chart: echarts.ECharts) => {
    chart.off("click");
    chart.on("click", (p) => {
      const code = (p.data as { code?: string } | undefined)?.code;
      if (code) drillRef.current(code);
    });
  }, []);

  const table = figures.data?.table;
  const mapOption = useMemo(() => (table ? mapChart(table, metric, metricLabel(metric), unitName(XPCC), t("xpccMarker"), number) : null), [table, metric, metricLabel, unitName, t, number]);
  const rankingOption = useMemo(() => (table ? rankingChart(table, metric, unitName) : null), [table, metric, unitName]);
  const daily = figures.data?.daily;
  const trendOption = useMemo(() => (daily ? {
    grid: { left: 60, right: 20, top: 20, bottom: 30 },
    tooltip: { trigger: "axis" as const },
    xAxis: { type: "category" as const, data: daily.days.map((d) => d.date) },
    yAxis: { type: "value" as const, minInterval: 1 },
    series: [{ type: "line" as const, name: metricLabel(metric), data: daily.days.map((d) => d.metrics[metric]), areaStyle: {}, itemStyle: { color: "#b91c1c" } }],
  } : null), [daily, metric, metricLabel]);

  const onMapDrawn = useCallback((chart: echarts.ECharts) => {
    onClicks(chart);
    probe.charts.map = chart;
    probe.state.renders += 1;
    probe.state.ready = true;
  }, [onClicks]);
  useEffect(() => {
    window.sanjin = probe;
    probe.state.campaign = table?.campaign ?? null;
    probe.state.metric = metric;
  }, [table, metric]);

  const error = reference.error ?? campaignsError ?? figures.error;
  const tracker = figures.data?.tracker;
  const summary = tracker?.summary;

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Card size="small">
        <Space wrap size="large">
          <Typography.Title level={4} style={{ margin: 0 }}>{t("boardTitle")}</Typography.Title>
          <Space>
            <label htmlFor="campaign">{t("campaign")}</label>
            <Select id="campaign" style={{ width: 160 }} value={campaign ?? undefined} onChange={setCampaign} loading={campaignsLoading} showSearch
              options={campaigns.map((c) => ({ value: c.campaign, label: c.campaign }))} />
          </Space>
          <Space>
            <label htmlFor="metric">{t("metric")}</label>
            <Select id="metric" style={{ width: 240 }} value={metric} onChange={setMetric} showSearch optionFilterProp="label"
              options={metrics.map((m) => ({ value: m.name as Metric, label: lang === "zh" ? m.label_zh : m.label_en }))} />
          </Space>
          <Typography.Text type="secondary" id="as-of">
            {t("asOf")} {table?.as_of ? beijingTime(table.as_of) : t("noData")}
            {tracker && <> · {t("deadline")} {beijingTime(tracker.report_deadline)}</>}
          </Typography.Text>
        </Space>
        <Space wrap size="small" id="downloads" style={{ marginTop: 8 }}>
          <Typography.Text type="secondary">{t("figDownloads")}</Typography.Text>
          {campaign && DOWNLOADS.map((d) => (
            <DownloadButton key={d.id} id={d.id} label={t(d.label)} fallbackName={`${campaign}-${d.name}`}
              fetchFile={() => api.aggregator.GET(d.path, { params: { path: { campaign } }, parseAs: "blob" })} />
          ))}
        </Space>
      </Card>
      {error && (
        <Alert type="error" showIcon message={t("loadFailed")} description={error.message}
          action={<Button onClick={() => { reference.reload(); reloadCampaigns(); figures.reload(); }}>{t("retry")}</Button>} />
      )}
      {table && (
        <Card size="small" title={t("totals")} id="totals">
          <div className="totals">
            {metrics.map((m) => (
              <button type="button" key={m.name} data-metric={m.name} className={m.name === metric ? "total selected" : "total"} onClick={() => setMetric(m.name as Metric)}>
                <span className="value">{number(table.totals[m.name as Metric])}</span>
                <span className="label">{lang === "zh" ? m.label_zh : m.label_en}</span>
              </button>
            ))}
          </div>
        </Card>
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card size="small" title={`${t("map")} · ${metricLabel(metric)}`} extra={<Typography.Text type="secondary">{t("mapNote")}</Typography.Text>}>
            <Typography.Text type="secondary" id="drill-hint">{t("figClickProvince")}</Typography.Text>
            {mapOption && <Chart option={mapOption} height={560} onReady={onMapDrawn} />}
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={`${t("ranking")} · ${metricLabel(metric)}`}>
            {rankingOption && <Chart option={rankingOption} height={580} onReady={onClicks} />}
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={`${t("trend")} · ${metricLabel(metric)}`}>
            {trendOption && <Chart option={trendOption} height={320} />}
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card size="small" title={t("tracker")} id="tracker"
            extra={summary && <Typography.Text id="tracker-summary">{t("trackerSummary", { expected: summary.expected, submitted: summary.submitted, on_time: summary.on_time, late: summary.late, approved: summary.approved, missing: summary.missing.length })}</Typography.Text>}>
            <Table<TrackerRow> size="small" rowKey="province" pagination={false} dataSource={tracker?.items ?? []} loading={figures.loading && !tracker}
              rowClassName={(row) => (row.overdue ? "row-overdue" : "")}
              columns={[
                { title: t("unit"), dataIndex: "province", render: (code: string) => (
                  <Link to={`provinces/${code}?campaign=${encodeURIComponent(campaign ?? "")}`} className="unit-link">{unitName(code)}</Link>) },
                { title: t("status"), dataIndex: "status", render: (status: string) => <Tag color={STATUS_COLOUR[status] ?? "default"}>{t(status as "missing")}</Tag> },
                { title: t("submittedAt"), dataIndex: "submitted_at", render: (at: string | null) => (at ? beijingTime(at) : "") },
                { title: t("timeliness"), key: "timeliness", render: (_: unknown, row) =>
                  row.overdue ? <Tag color="red">{t("overdue")}</Tag> : row.on_time === null ? null : row.on_time ? t("onTime") : <Tag color="orange">{t("late")}</Tag> },
              ]} />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}

function mapChart(table: Statistics, metric: Metric, label: string, xpccName: string, xpccShort: string, number: (v: number | null | undefined) => string) {
  const value = (code: string) => table.provinces.find((p) => p.province === code)?.metrics[metric] ?? null;
  const values = table.provinces.map((p) => p.metrics[metric]).filter((v): v is number => typeof v === "number");
  return {
    tooltip: { trigger: "item" as const, formatter: (p: { name: string; value?: unknown }) => `${p.name}: ${number(Array.isArray(p.value) ? (p.value[2] as number) : typeof p.value === "number" ? p.value : null)}` },
    visualMap: { seriesIndex: 0, min: 0, max: Math.max(1, ...values), calculable: true, left: 10, bottom: 10, text: [label, ""], inRange: { color: ["#fde2e2", "#f87171", "#991b1b"] } },
    // China fills the card (the South China Sea inset included)
    geo: { map: "china", roam: true, layoutCenter: ["52%", "50%"], layoutSize: "118%", itemStyle: { areaColor: "#e5e7eb", borderColor: "#fff" }, emphasis: { label: { show: false } } },
    series: [
      { name: label, type: "map" as const, geoIndex: 0,
        data: table.provinces.filter((p) => p.province !== XPCC).map((p) => ({ name: REGION_BY_CODE[p.province], value: p.metrics[metric] ?? "-", code: p.province })) },
      { name: xpccName, type: "scatter" as const, coordinateSystem: "geo", symbol: "pin", symbolSize: 34, itemStyle: { color: "#1d4ed8" },
        label: { show: true, position: "right" as const, formatter: () => `${xpccShort} ${number(value(XPCC))}`, backgroundColor: "#fff", borderColor: "#1d4ed8", borderWidth: 1, borderRadius: 3, padding: [2, 4], color: "#1f1f1f" },
        data: [{ name: xpccName, value: [...XPCC_AT, value(XPCC)], code: XPCC }] },
    ],
  };
}

function rankingChart(table: Statistics, metric: Metric, unitName: (code: string) => string) {
  const sorted = [...table.provinces].sort((a, b) => (a.metrics[metric] ?? -1) - (b.metrics[metric] ?? -1));
  return {
    grid: { left: 8, right: 48, top: 10, bottom: 20, containLabel: true },
    xAxis: { type: "value" as const, minInterval: 1 },
    yAxis: { type: "category" as const, data: sorted.map((p) => unitName(p.province)), axisLabel: { fontSize: 11 } },
    tooltip: { trigger: "axis" as const },
    series: [{ type: "bar" as const, cursor: "pointer", data: sorted.map((p) => ({ value: p.metrics[metric] ?? 0, code: p.province })), itemStyle: { color: "#b91c1c" },
      label: { show: true, position: "right" as const, fontSize: 11, formatter: (p: { value: unknown }) => (p.value ? String(p.value) : "") } }],
  };
}
