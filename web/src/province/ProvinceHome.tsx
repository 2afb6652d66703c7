// The province workspace's home (首页): the campaign and the days left to the unit's own deadline,
// the report's status (and headquarters' comment when returned), what is still missing (the
// aggregator's checklist, each item linked to the page that deals with it) and the unit's own row
// of Attachment 1 as it stands now, by venue type.
import { Alert, Badge, Button, Card, Col, Descriptions, Empty, List, Row, Space, Table, Tag, Typography } from "antd";
import { useEffect, useMemo } from "react";
import { Link } from "react-router";
import { useApi } from "../api/ApiProvider";
import { unwrap, type AggregatorSchemas } from "../api/client";
import { useAuth } from "../auth/AuthProvider";
import { currentCampaign } from "../campaigns";
import { useI18n } from "../i18n";
import { useAsync } from "../useAsync";
import { CHECKLIST_LINKS } from "./checklist";
import { useUnitName } from "./useUnitName";

const DAY_MS = 24 * 3600 * 1000;
const REFRESH_MS = 30_000;
const STATUS_COLOUR: Record<string, string> = { missing: "default", submitted: "blue", approved: "green", returned: "orange" };
// 社区, 校园 and 乡镇 are always shown; the other venue types where the unit has figures
const ALWAYS_SHOWN = new Set(["community", "campus", "township"]);

type Metrics = AggregatorSchemas["Metrics"];
type Metric = keyof Metrics;
type VenueType = keyof AggregatorSchemas["VenueTypeMetrics"];
interface RowOf {
  key: string;
  label: string;
  metrics: Metrics;
  total: boolean;
}

export default function ProvinceHome() {
  const api = useApi();
  const { t, lang, beijingTime, number } = useI18n();
  const { identity } = useAuth();
  const province = identity?.province ?? "";
  const unit = useUnitName(province);
  const reference = useAsync(() => unwrap(api.aggregator.GET("/v1/reference")), [api]);
  const campaigns = useAsync(() => unwrap(api.aggregator.GET("/v1/campaigns")), [api]);
  const campaign = currentCampaign(campaigns.data?.items ?? []);
  const id = campaign?.campaign;

  const unitState = useAsync(async () => {
    if (!id || !province) return null;
    const params = { params: { path: { campaign: id, province } } };
    const [submission, checklist, row] = await Promise.all([
      unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/submissions/{province}", params)),
      unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/checklist/{province}", params)),
      unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/statistics/{province}", params)),
    ]);
    return { submission, checklist, row };
  }, [api, id, province]);
  const { reload } = unitState;
  useEffect(() => {
    const timer = window.setInterval(reload, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload]);

  const submission = unitState.data?.submission;
  const deadline = submission?.deadline ?? campaign?.report_deadline;
  const days = deadline ? Math.ceil((Date.parse(deadline) - Date.now()) / DAY_MS) : null;

  const metrics = useMemo(() => reference.data?.metrics ?? [], [reference.data]);
  const rows = useMemo<RowOf[]>(() => {
    const row = unitState.data?.row;
    if (!row) return [];
    const byVenue = row.by_venue_type;
    const venues = (reference.data?.venue_types ?? []).filter((v) => {
      const figures = byVenue[v.name as VenueType] as Metrics | undefined;
      return figures && (ALWAYS_SHOWN.has(v.name) || Object.values(figures).some((x) => x));
    });
    return [
      ...venues.map((v) => ({ key: v.name, label: lang === "zh" ? v.label_zh : v.label_en, metrics: byVenue[v.name as VenueType], total: false })),
      { key: "total", label: t("homeTotal"), metrics: row.metrics, total: true },
    ];
  }, [unitState.data, reference.data, lang, t]);

  const columns = [
    { title: t("homeVenueType"), dataIndex: "label", key: "label", fixed: "left" as const, width: 96,
      render: (label: string, r: RowOf) => (r.total ? <strong>{label}</strong> : label) },
    ...metrics.map((m) => ({
      title: lang === "zh" ? m.label_zh : m.label_en,
      key: m.name,
      align: "right" as const,
      width: 112,
      render: (_: unknown, r: RowOf) => {
        const v = r.metrics[m.name as Metric];
        return r.total ? <strong>{number(v)}</strong> : number(v);
      },
    })),
  ];

  const items = unitState.data?.checklist.items ?? [];
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} id="province-home">
      <Typography.Title level={3} style={{ margin: 0 }}>{unit ?? province} · {t("provinceTitle")}</Typography.Title>
      {(campaigns.error || unitState.error) && (
        <Alert type="error" showIcon message={t("loadFailed")} description={(campaigns.error ?? unitState.error)?.message}
          action={<Button size="small" onClick={reload}>{t("retry")}</Button>} />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={11}>
          <Card title={t("currentCampaign")} loading={campaigns.loading} id="home-campaign" style={{ height: "100%" }}>
            {campaign ? (
              <Descriptions column={1} size="small" styles={{ label: { whiteSpace: "nowrap" } }}>
                <Descriptions.Item label={t("homeCampaign")}>{campaign.campaign}</Descriptions.Item>
                <Descriptions.Item label={t("homeWindow")}>{campaign.starts_on} – {campaign.ends_on}</Descriptions.Item>
                <Descriptions.Item label={t("homeDeadline")}>
                  <Space wrap>
                    {deadline && beijingTime(deadline)}
                    {submission?.extended && <Tag color="purple">{t("homeExtended")}</Tag>}
                    {days !== null && (days >= 0
                      ? <Tag color={days <= 7 ? "red" : "blue"} id="home-days-left">{t("daysLeft", { days })}</Tag>
                      : <Tag color="default">{t("deadlinePassed")}</Tag>)}
                  </Space>
                </Descriptions.Item>
                <Descriptions.Item label={t("mySubmission")}>
                  {submission && (
                    <Space wrap>
                      <Tag color={STATUS_COLOUR[submission.status]} id="home-status">{t(submission.status)}</Tag>
                      {submission.submitted_at && <Typography.Text type="secondary">{t("homeSubmittedAt")} {beijingTime(submission.submitted_at)}</Typography.Text>}
                    </Space>
                  )}
                </Descriptions.Item>
              </Descriptions>
            ) : (
              <Typography.Text type="secondary">{t("noCampaign")}</Typography.Text>
            )}
            {submission?.status === "returned" && submission.comment && (
              <Alert type="warning" showIcon message={t("homeReturnComment")} description={submission.comment} style={{ marginTop: 12 }} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={13}>
          <Card title={t("homeChecklist")} id="home-checklist" loading={unitState.loading && !unitState.data} style={{ height: "100%" }}
            extra={items.length > 0 && <Badge count={items.length} />}>
            {items.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("homeChecklistDone")} />
            ) : (
              <List size="small" dataSource={items} renderItem={(item) => (
                <List.Item data-code={item.code} actions={[<Link key="go" to={CHECKLIST_LINKS[item.code]}>{t("homeGo")}</Link>]}>
                  <Badge status={item.code === "returned" || item.code === "not_submitted" ? "error" : "warning"}
                    text={<Typography.Text type={item.code === "returned" ? "danger" : undefined}>{lang === "zh" ? item.message : item.message_en}</Typography.Text>} />
                </List.Item>
              )} />
            )}
          </Card>
        </Col>
      </Row>
      <Card title={t("homeRowTitle")} id="home-row" loading={(unitState.loading || reference.loading) && rows.length === 0}
        extra={<Space><Typography.Text type="secondary">{t("homeRowLive")}</Typography.Text><Button size="small" onClick={reload}>{t("homeRefresh")}</Button></Space>}>
        <Table<RowOf> size="small" bordered pagination={false} rowKey="key" dataSource={rows} columns={columns}
          scroll={{ x: "max-content" }} rowClassName={(r) => (r.total ? "row-total" : "")} />
        <Typography.Paragraph type="secondary" style={{ margin: "8px 0 0" }}>{t("homeVenueNote")}</Typography.Paragraph>
      </Card>
    </Space>
  );
}
