// A province seen from headquarters (hq/provinces/:code): its row of Attachment 1 with the
// breakdown by venue type, its report submission, its records (read with the HQ token from each
// service's list, page by page) and the risk signals it is part of.
import { Alert, Button, Card, Col, Descriptions, Row, Select, Space, Table, Tag, Typography } from "antd";
import { Link, useParams } from "react-router";
import { unwrap, type AggregatorSchemas } from "../../api/client";
import { useApi } from "../../api/ApiProvider";
import { useI18n } from "../../i18n";
import { useAsync } from "../../useAsync";
import { SignalTable } from "../signals/SignalTable";
import { STATUS_COLOUR, useCampaign, useLabel, useReadsRecords, useReference } from "./common";
import { ProvinceRecords } from "./ProvinceRecords";

type Metric = keyof AggregatorSchemas["Metrics"];
const VENUES = ["community", "campus", "township", "hospital"] as const;

export default function ProvincePage() {
  const { code = "" } = useParams();
  const api = useApi();
  const { t, beijingTime, number } = useI18n();
  const label = useLabel();
  const { campaign, campaigns, choose } = useCampaign();
  const { metrics, unitName, metricLabel } = useReference();
  const readsRecords = useReadsRecords();
  const back = `/hq?campaign=${encodeURIComponent(campaign ?? "")}`;

  const figures = useAsync(async () => {
    if (campaign === null || !code) return null;
    const path = { params: { path: { campaign, province: code } } };
    const [row, submission] = await Promise.all([
      unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/statistics/{province}", path)),
      unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/submissions/{province}", path)),
    ]);
    return { row, submission };
  }, [api, campaign, code]);
  const row = figures.data?.row;
  const submission = figures.data?.submission;

  const breakdown = metrics.map((m) => {
    const name = m.name as Metric;
    return {
      metric: name,
      total: row?.metrics[name],
      ...Object.fromEntries(VENUES.map((v) => [v, row?.by_venue_type[v][name]])),
    } as { metric: Metric; total: number | null | undefined } & Record<(typeof VENUES)[number], number | null | undefined>;
  });

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} id="province-page" data-province={code}>
      <Card size="small">
        <Space wrap size="large">
          <Link to={back} id="back-to-board">← {t("figBackToBoard")}</Link>
          <Typography.Title level={4} style={{ margin: 0 }} id="province-title">
            {t("figProvinceTitle", { unit: unitName(code), campaign: campaign ?? "" })}
          </Typography.Title>
          <Space>
            <label htmlFor="campaign">{t("campaign")}</label>
            <Select id="campaign" style={{ width: 160 }} value={campaign ?? undefined} onChange={choose}
              options={campaigns.map((c) => ({ value: c.campaign, label: c.campaign }))} />
          </Space>
        </Space>
      </Card>
      {figures.error && (
        <Alert type="error" showIcon message={t("loadFailed")} description={figures.error.message}
          action={<Button onClick={figures.reload}>{t("retry")}</Button>} />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card size="small" title={t("figRowTitle")} id="province-row">
            <Table size="small" rowKey="metric" pagination={false} loading={figures.loading && !row} dataSource={breakdown}
              columns={[
                { title: t("figMetric"), dataIndex: "metric", render: (m: string) => metricLabel(m) },
                { title: t("figRowTotal"), dataIndex: "total", align: "right", render: (v: number | null) => <strong>{number(v)}</strong> },
                ...VENUES.map((v) => ({ title: t(`figVenue_${v}`), dataIndex: v, align: "right" as const, render: (x: number | null) => number(x) })),
              ]} />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Space direction="vertical" size="middle" style={{ width: "100%" }}>
            <Card size="small" title={t("figSubmission")} id="province-submission"
              extra={<Link to={`/hq/inbox/${code}?campaign=${encodeURIComponent(campaign ?? "")}`} id="open-inbox">{t("figOpenInbox")}</Link>}>
              {submission && (
                <Descriptions size="small" column={1} bordered>
                  <Descriptions.Item label={t("status")}>
                    <Tag color={STATUS_COLOUR[submission.status] ?? "default"}>{t(submission.status)}</Tag>
                    {submission.status === "missing" && !submission.on_time && submission.days_late > 0 && <Tag color="red">{t("overdue")}</Tag>}
                  </Descriptions.Item>
                  <Descriptions.Item label={t("deadline")}>
                    {beijingTime(submission.deadline)} {submission.extended && <Tag>{t("figExtended")}</Tag>}
                  </Descriptions.Item>
                  <Descriptions.Item label={t("submittedAt")}>{submission.submitted_at ? beijingTime(submission.submitted_at) : t("figNotSubmitted")}</Descriptions.Item>
                  {submission.first_submitted_at && submission.first_submitted_at !== submission.submitted_at && (
                    <Descriptions.Item label={t("figFirstSubmittedAt")}>{beijingTime(submission.first_submitted_at)}</Descriptions.Item>
                  )}
                  <Descriptions.Item label={t("timeliness")}>
                    <span id="province-timeliness">
                      {submission.on_time === null ? (submission.days_late > 0 ? <Tag color="red">{t("figDaysLate", { days: submission.days_late })}</Tag> : "–")
                        : submission.on_time ? <Tag color="green">{t("onTime")}</Tag> : <Tag color="orange">{t("late")} · {t("figDaysLate", { days: submission.days_late })}</Tag>}
                    </span>
                  </Descriptions.Item>
                  {submission.channel && <Descriptions.Item label={t("figChannel")}>{label("figChannel", submission.channel)}</Descriptions.Item>}
                  <Descriptions.Item label={t("figAttempts")}>{submission.attempts}</Descriptions.Item>
                  {submission.comment && <Descriptions.Item label={t("figComment")}>{submission.comment}</Descriptions.Item>}
                </Descriptions>
              )}
            </Card>
            <Card size="small" title={t("figSignalsTitle")} id="province-signals"
              extra={<Link to={`/hq/signals?campaign=${encodeURIComponent(campaign ?? "")}&province=${code}`}>{t("figAllSignals")}</Link>}>
              {campaign && <SignalTable campaign={campaign} province={code} compact />}
            </Card>
          </Space>
        </Col>
      </Row>
      <Card size="small" title={t("figRecords")} id="province-records">
        {!readsRecords ? <Alert type="info" showIcon message={t("figViewerNoRecords")} />
          : campaign && <ProvinceRecords campaign={campaign} province={code} />}
      </Card>
    </Space>
  );
}
