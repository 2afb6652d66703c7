// The province workspace's home (本省工作台). It grows with the province issue; today it names the
// unit, the campaign and how long is left to the deadline, and the unit's report status.
import { Alert, Card, Descriptions, Space, Tag, Typography } from "antd";
import { useApi } from "../api/ApiProvider";
import { currentCampaign } from "../campaigns";
import { unwrap } from "../api/client";
import { useAuth } from "../auth/AuthProvider";
import { useI18n } from "../i18n";
import { useAsync } from "../useAsync";
import { useUnitName } from "./useUnitName";

const DAY_MS = 24 * 3600 * 1000;

export default function ProvinceHome() {
  const api = useApi();
  const { t, beijingTime } = useI18n();
  const { identity } = useAuth();
  const province = identity?.province ?? "";
  const unit = useUnitName(province);
  const campaigns = useAsync(() => unwrap(api.aggregator.GET("/v1/campaigns")), [api]);
  const latest = currentCampaign(campaigns.data?.items ?? []);
  const submission = useAsync(async () => {
    if (!latest || !province) return null;
    return unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/submissions/{province}", { params: { path: { campaign: latest.campaign, province } } }));
  }, [api, latest?.campaign, province]);
  const days = latest ? Math.ceil((Date.parse(latest.report_deadline) - Date.now()) / DAY_MS) : null;

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} id="province-home">
      <Typography.Title level={3} style={{ margin: 0 }}>{unit ?? province} · {t("provinceTitle")}</Typography.Title>
      <Alert type="info" showIcon message={t("provinceComing")} description={t("provinceIntro")} />
      <Card title={t("currentCampaign")} loading={campaigns.loading}>
        {latest ? (
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t("campaign")}>{latest.campaign}（{latest.starts_on} – {latest.ends_on}）</Descriptions.Item>
            <Descriptions.Item label={t("deadline")}>
              <Space>
                {beijingTime(latest.report_deadline)}
                {days !== null && (days >= 0 ? <Tag color={days <= 7 ? "red" : "blue"}>{t("daysLeft", { days })}</Tag> : <Tag>{t("deadlinePassed")}</Tag>)}
              </Space>
            </Descriptions.Item>
            {submission.data && (
              <Descriptions.Item label={t("mySubmission")}>
                <Tag>{t(submission.data.status as "missing")}</Tag>
              </Descriptions.Item>
            )}
          </Descriptions>
        ) : (
          <Typography.Text type="secondary">{campaigns.error ? campaigns.error.message : t("noCampaign")}</Typography.Text>
        )}
      </Card>
    </Space>
  );
}
