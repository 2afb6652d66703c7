import { Alert, Button, Card, Space, Typography } from "antd";
import { useState } from "react";
import { useAuth } from "../auth/AuthProvider";
import { useI18n } from "../i18n";

export function SignIn() {
  const { signIn, reason, error } = useAuth();
  const { t, toggle } = useI18n();
  const [busy, setBusy] = useState(false);
  const notice = reason === "signed-out" ? t("signedOut") : reason === "expired" ? t("sessionExpired") : reason === "failed" ? t("signInFailed") : null;
  return (
    <div className="signin-page">
      <Card title={<Space direction="vertical" size={0}><span>{t("appTitle")}</span><Typography.Text type="secondary" style={{ fontWeight: 400 }}>{t("appSubtitle")}</Typography.Text></Space>}
        extra={<Button type="link" onClick={toggle}>{t("language")}</Button>}>
        <Space direction="vertical" size="middle" style={{ width: "100%" }}>
          {notice && <Alert type={reason === "failed" ? "warning" : "info"} showIcon message={notice} description={reason === "failed" ? error : undefined} />}
          <Typography.Title level={4} style={{ margin: 0 }}>{t("signInTitle")}</Typography.Title>
          <Typography.Paragraph>{t("signInText")}</Typography.Paragraph>
          <Button id="signin" type="primary" size="large" block loading={busy}
            onClick={() => { setBusy(true); signIn().catch(() => setBusy(false)); }}>
            {t("signIn")}
          </Button>
        </Space>
      </Card>
    </div>
  );
}
