// Year over year (同比, hq/compare): a campaign beside an earlier one, the national change of every
// metric and, for the chosen metric, each unit's figures with the change and the percentage; the
// comparison as xlsx. Read from the aggregator's statistics-compare.
import { Alert, Button, Card, Select, Space, Table, Typography } from "antd";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { unwrap, type AggregatorSchemas } from "../../api/client";
import { useApi } from "../../api/ApiProvider";
import { useI18n } from "../../i18n";
import { useAsync } from "../../useAsync";
import { DownloadButton, useCampaign, useReference } from "../province/common";

type Metric = keyof AggregatorSchemas["Metrics"];
type Unit = AggregatorSchemas["UnitComparison"];
type MetricChange = AggregatorSchemas["MetricChange"];

export default function ComparePage() {
  const api = useApi();
  const { t, number } = useI18n();
  const { campaign, campaigns, choose } = useCampaign();
  const { metrics, unitName, metricLabel } = useReference();
  const [params, setParams] = useSearchParams();
  const [metric, setMetric] = useState<Metric>("participants");

  // the earlier campaign: ?with=, else the latest that started before this one
  const starts = campaigns.find((c) => c.campaign === campaign)?.starts_on;
  const before = campaigns.filter((c) => starts !== undefined && c.starts_on < starts).sort((a, b) => b.starts_on.localeCompare(a.starts_on));
  const earlier = params.get("with") ?? before[0]?.campaign ?? null;
  const chooseEarlier = (c: string) => setParams((p) => {
    p.set("with", c);
    return p;
  }, { replace: true });

  const comparison = useAsync(async () => {
    if (!campaign || !earlier) return null;
    return unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/statistics/compare", { params: { path: { campaign }, query: { with: earlier } } }));
  }, [api, campaign, earlier]);
  const units = comparison.data?.units ?? [];
  const total = units.find((u) => u.province === null);

  const signed = (v: number | null | undefined) => (v === null || v === undefined ? "–" : `${v > 0 ? "+" : ""}${number(v)}`);
  const percent = (v: number | null | undefined) => (v === null || v === undefined ? "–" : `${v > 0 ? "+" : ""}${v.toFixed(1)}%`);
  const tone = (v: number | null | undefined) => (v ? (v > 0 ? "delta-up" : "delta-down") : "");
  const cell = (u: Unit): MetricChange | undefined => u.metrics[metric];

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} id="compare-page">
      <Card size="small">
        <Space wrap size="large">
          <Typography.Title level={4} style={{ margin: 0 }}>{t("figCompareTitle")}</Typography.Title>
          <Space>
            <label htmlFor="campaign">{t("campaign")}</label>
            <Select id="campaign" style={{ width: 160 }} value={campaign ?? undefined} onChange={choose}
              options={campaigns.map((c) => ({ value: c.campaign, label: c.campaign }))} />
          </Space>
          <Space>
            <label htmlFor="compare-with">{t("figCompareWith")}</label>
            <Select id="compare-with" style={{ width: 160 }} value={earlier ?? undefined} onChange={chooseEarlier} showSearch
              options={campaigns.filter((c) => c.campaign !== campaign).map((c) => ({ value: c.campaign, label: c.campaign }))} />
          </Space>
          <Space>
            <label htmlFor="compare-metric">{t("metric")}</label>
            <Select id="compare-metric" style={{ width: 240 }} value={metric} onChange={setMetric} showSearch optionFilterProp="label"
              options={metrics.map((m) => ({ value: m.name as Metric, label: metricLabel(m.name) }))} />
          </Space>
          {campaign && earlier && (
            <DownloadButton id="download-compare-xlsx" label={t("figCompareXlsx")} fallbackName={`${campaign}-${earlier}-compare.xlsx`}
              fetchFile={() => api.aggregator.GET("/v1/campaigns/{campaign}/statistics/compare.xlsx", { params: { path: { campaign }, query: { with: earlier } }, parseAs: "blob" })} />
          )}
        </Space>
      </Card>
      {!earlier && campaigns.length > 0 && <Alert type="info" showIcon message={t("figCompareNone")} />}
      {comparison.error && (
        <Alert type="error" showIcon message={t("loadFailed")} description={comparison.error.message}
          action={<Button onClick={comparison.reload}>{t("retry")}</Button>} />
      )}
      {total && (
        <Card size="small" title={`${t("figNational")} · ${campaign} / ${earlier}`} id="compare-totals">
          <div className="totals">
            {metrics.map((m) => {
              const c = total.metrics[m.name];
              return (
                <button type="button" key={m.name} className={m.name === metric ? "total selected" : "total"} onClick={() => setMetric(m.name as Metric)}>
                  <span className="value">{number(c?.current)}</span>
                  <span className={`delta ${tone(c?.change)}`}>{signed(c?.change)} · {percent(c?.percent)}</span>
                  <span className="label">{metricLabel(m.name)}</span>
                </button>
              );
            })}
          </div>
        </Card>
      )}
      {units.length > 0 && (
        <Card size="small" title={metricLabel(metric)}>
          <Table<Unit> id="compare-table" size="small" pagination={false} rowKey={(u) => u.province ?? "total"} dataSource={units}
            rowClassName={(u) => (u.province === null ? "row-total" : "")}
            columns={[
              { title: t("figCompareUnit"), key: "unit", render: (_: unknown, u) => (u.province === null ? t("figRowTotal") : unitName(u.province)) },
              { title: earlier ?? "", key: "earlier", align: "right", render: (_: unknown, u) => number(cell(u)?.earlier) },
              { title: campaign ?? "", key: "current", align: "right", render: (_: unknown, u) => number(cell(u)?.current) },
              { title: t("figColChange"), key: "change", align: "right", render: (_: unknown, u) => <span className={tone(cell(u)?.change)}>{signed(cell(u)?.change)}</span> },
              { title: t("figColPercent"), key: "percent", align: "right", render: (_: unknown, u) => <span className={tone(cell(u)?.change)}>{percent(cell(u)?.percent)}</span> },
            ]} />
        </Card>
      )}
    </Space>
  );
}
