// Excel 导入导出: for each record type with a template (workbooks.ts), the template, the checked
// upload and the import report, and the unit's own records as a workbook; then the unit's own row
// of Attachment 1 as a workbook.
import { Alert, Button, Card, Space, Tabs, Typography } from "antd";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { useApi } from "../../api/ApiProvider";
import { unwrap } from "../../api/client";
import { saveFile } from "../../api/download";
import { useAuth } from "../../auth/AuthProvider";
import { currentCampaign } from "../../campaigns";
import { useI18n } from "../../i18n";
import { useAsync } from "../../useAsync";
import { WorkbookPanel } from "./WorkbookPanel";
import { WORKBOOKS } from "./workbooks";

function UnitRowCard({ campaign, province }: { campaign: string | null; province: string }) {
  const api = useApi();
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  async function download() {
    if (!campaign) return;
    setBusy(true);
    setError(null);
    try {
      await saveFile(
        api.aggregator.GET("/v1/campaigns/{campaign}/statistics/{province}.xlsx", { params: { path: { campaign, province } }, parseAs: "blob" }),
        `三进活动情况统计表-${campaign}.xlsx`,
      );
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Card title={t("excelUnitRow")} id="excel-unit-row">
      <Space direction="vertical" style={{ width: "100%" }}>
        <Typography.Text type="secondary">{t("excelUnitRowText")}</Typography.Text>
        <Button type="primary" ghost onClick={() => void download()} loading={busy} disabled={!campaign} id="excel-unit-row-download">
          {t("excelUnitRowDownload")}
        </Button>
        {error && <Alert type="error" showIcon message={error.message} />}
      </Space>
    </Card>
  );
}

export default function ExcelPage() {
  const api = useApi();
  const { t } = useI18n();
  const { identity } = useAuth();
  const [search, setSearch] = useSearchParams();
  const campaigns = useAsync(() => unwrap(api.aggregator.GET("/v1/campaigns")), [api]);
  const campaign = currentCampaign(campaigns.data?.items ?? [])?.campaign ?? null;
  const active = WORKBOOKS.some((w) => w.key === search.get("tab")) ? search.get("tab")! : WORKBOOKS[0].key;
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} id="excel-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t("excelTitle")}{campaign && <Typography.Text type="secondary" style={{ fontSize: 14, marginLeft: 12 }}>{t("homeCampaign")} {campaign}</Typography.Text>}</Typography.Title>
      <Alert type="info" showIcon message={t("excelIntro")} />
      <Card styles={{ body: { paddingTop: 8 } }}>
        <Tabs activeKey={active} onChange={(key) => setSearch({ tab: key }, { replace: true })}
          items={WORKBOOKS.map((w) => ({ key: w.key, label: t(w.label), children: <WorkbookPanel type={w} campaign={campaign} /> }))} />
      </Card>
      <UnitRowCard campaign={campaign} province={identity?.province ?? ""} />
    </Space>
  );
}
