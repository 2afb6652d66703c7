// 汇总统计: the national Attachment-1 compiled from the approved snapshots beside the live figures,
// with the differences visible and each unit's approval time and figures' time; the official
// workbook and CSV (approved and live) downloaded with the bearer token.
import { Alert, App, Button, Card, Checkbox, Space, Table, Tag, Tooltip, Typography } from "antd";
import { useMemo, useState } from "react";
import { useApi } from "../../api/ApiProvider";
import { unwrap, type AggregatorSchemas } from "../../api/client";
import { saveFile } from "../../api/download";
import { useI18n, type TextKey } from "../../i18n";
import { useAsync } from "../../useAsync";
import { CampaignPicker, useCampaignChoice, useLabels } from "../inbox/shared";

type Official = AggregatorSchemas["OfficialStatistics"];
type Row = AggregatorSchemas["OfficialProvinceStatistics"];
type Value = number | null | undefined;
type Basis = "approved" | "live";
type Format = "xlsx" | "csv";
const TOTAL = "total";

interface Line {
  key: string;
  approval: Row["approval"] | undefined;
  metrics: Record<string, Value>;
  live: Record<string, Value>;
  difference: Record<string, Value>;
}

export default function OfficialPage() {
  return <App component={false}><OfficialFigures /></App>;
}

function OfficialFigures() {
  const api = useApi();
  const { message } = App.useApp();
  const { t, beijingTime, number } = useI18n();
  const choice = useCampaignChoice();
  const { campaign } = choice;
  const { unitName, metricLabel, metrics } = useLabels();
  const [onlyDiff, setOnlyDiff] = useState(false);
  const [saving, setSaving] = useState<string | null>(null);

  const figures = useAsync(async () => {
    if (campaign === null) return null;
    const data = await unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/statistics", { params: { path: { campaign }, query: { basis: "approved" } } }));
    if (!("basis" in data)) throw new Error("the service answered the live table for basis=approved");
    return data as Official;
  }, [api, campaign]);
  const data = figures.data?.campaign === campaign ? figures.data : undefined;

  const lines = useMemo<Line[]>(() => {
    if (!data) return [];
    const total: Line = { key: TOTAL, approval: undefined, metrics: data.totals as Record<string, Value>, live: data.live_totals as Record<string, Value>, difference: data.difference };
    const units = data.provinces.map((p) => ({ key: p.province, approval: p.approval, metrics: p.metrics as Record<string, Value>, live: p.live as Record<string, Value>, difference: p.difference }));
    return [total, ...units.filter((u) => !onlyDiff || Object.keys(u.difference).length > 0)];
  }, [data, onlyDiff]);

  async function download(basis: Basis, format: Format) {
    if (campaign === null) return;
    const id = `${basis}-${format}`;
    setSaving(id);
    const params = { path: { campaign }, query: { basis } };
    try {
      const name = await saveFile(format === "xlsx"
        ? api.aggregator.GET("/v1/campaigns/{campaign}/statistics.xlsx", { params, parseAs: "blob" })
        : api.aggregator.GET("/v1/campaigns/{campaign}/statistics.csv", { params, parseAs: "blob" }), `${campaign}.${format}`);
      message.success(t("figDownloaded", { name }));
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setSaving(null);
    }
  }

  const downloads = (basis: Basis, label: TextKey) => (
    <Space size={4}>
      <Typography.Text>{t(label)}</Typography.Text>
      {(["xlsx", "csv"] as const).map((format) => (
        <Button key={format} size="small" id={`download-${basis}-${format}`} loading={saving === `${basis}-${format}`} onClick={() => void download(basis, format)}>
          {format === "xlsx" ? "Excel" : "CSV"}
        </Button>
      ))}
    </Space>
  );

  const cell = (line: Line, metric: string) => {
    const diff = line.difference[metric];
    return (
      <span className={diff !== undefined ? "fig-differs" : undefined}>
        {number(line.metrics[metric])}
        {diff !== undefined && (
          <Tooltip title={`${t("figLive")} ${number(line.live[metric])}`}>
            <Typography.Text type="danger" className="fig-diff">（{typeof diff === "number" && diff > 0 ? "+" : ""}{number(diff)}）</Typography.Text>
          </Tooltip>
        )}
      </span>
    );
  };

  return (
    <Space direction="vertical" size="small" style={{ width: "100%" }} id="official" data-campaign={data?.campaign}>
      <Card size="small">
        <Space wrap size="middle">
          <Typography.Title level={4} style={{ margin: 0 }}>{t("figTitle")}</Typography.Title>
          <CampaignPicker choice={choice} />
          {data && <Tag color="green" id="fig-approved-units">{t("figApprovedUnits", { approved: data.approved_units })}</Tag>}
          {data && <Typography.Text type="secondary">{t("asOf")} {data.as_of ? beijingTime(data.as_of) : t("noData")}</Typography.Text>}
          <Checkbox checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} id="fig-only-diff">{t("figOnlyDiff")}</Checkbox>
        </Space>
        <div style={{ marginTop: 8 }}>
          <Space wrap size="large">
            {downloads("approved", "figDownloadApproved")}
            {downloads("live", "figDownloadLive")}
          </Space>
        </div>
        <Typography.Paragraph type="secondary" style={{ margin: "8px 0 0" }}>{t("figBasisNote")}</Typography.Paragraph>
      </Card>
      {figures.error && <Alert type="error" showIcon message={t("loadFailed")} description={figures.error.message} action={<Button onClick={figures.reload}>{t("retry")}</Button>} />}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<Line> id="fig-table" size="small" rowKey="key" pagination={false} dataSource={lines} loading={!data && !figures.error} bordered
          scroll={{ x: "max-content", y: 640 }} rowClassName={(line) => (line.key === TOTAL ? "fig-total" : "")}
          columns={[
            { title: t("unit"), dataIndex: "key", fixed: "left", width: 130, render: (key: string) => (key === TOTAL ? <strong>{t("figTotal")}</strong> : unitName(key)) },
            { title: t("figApprovedAt"), key: "approved", fixed: "left", width: 150, render: (_: unknown, line) => (line.key === TOTAL ? "" : line.approval
              ? <Tooltip title={`${t("figAsOf")} ${line.approval.as_of ? beijingTime(line.approval.as_of) : "–"}`}><span>{beijingTime(line.approval.approved_at)}</span></Tooltip>
              : <Tag>{t("figNotApproved")}</Tag>) },
            { title: t("figAsOf"), key: "as_of", width: 150, render: (_: unknown, line) => (line.approval?.as_of ? beijingTime(line.approval.as_of) : "") },
            ...metrics.map((m) => ({ title: metricLabel(m.name), key: m.name, width: 96, align: "right" as const, render: (_: unknown, line: Line) => cell(line, m.name) })),
          ]} />
      </Card>
    </Space>
  );
}
