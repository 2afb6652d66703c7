// The risk signals raised across the country (hq/signals): by campaign and province, each opening
// onto the risk reports behind it.
import { Card, Select, Space, Typography } from "antd";
import { useSearchParams } from "react-router";
import { useI18n } from "../../i18n";
import { useCampaign, useReference } from "../province/common";
import { SignalTable } from "./SignalTable";

export default function SignalsPage() {
  const { t } = useI18n();
  const { campaign, campaigns, choose } = useCampaign();
  const { units, unitName } = useReference();
  const [params, setParams] = useSearchParams();
  const province = params.get("province");
  const chooseProvince = (code: string | undefined) => setParams((p) => {
    if (code) p.set("province", code);
    else p.delete("province");
    return p;
  }, { replace: true });
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} id="signals-page">
      <Card size="small">
        <Space wrap size="large">
          <Typography.Title level={4} style={{ margin: 0 }}>{t("figSignalsTitle")}</Typography.Title>
          <Space>
            <label htmlFor="campaign">{t("campaign")}</label>
            <Select id="campaign" style={{ width: 160 }} value={campaign ?? undefined} onChange={choose}
              options={campaigns.map((c) => ({ value: c.campaign, label: c.campaign }))} />
          </Space>
          <Space>
            <label htmlFor="province">{t("figProvince")}</label>
            <Select id="province" style={{ width: 200 }} value={province ?? undefined} onChange={chooseProvince} allowClear showSearch optionFilterProp="label"
              placeholder={t("figAllProvinces")} options={units.map((u) => ({ value: u.code, label: unitName(u.code) }))} />
          </Space>
        </Space>
        <Typography.Paragraph type="secondary" style={{ margin: "8px 0 0" }}>{t("figSignalsNote")}</Typography.Paragraph>
      </Card>
      <Card size="small">
        <SignalTable campaign={campaign} province={province} />
      </Card>
    </Space>
  );
}
