import { Alert, Button, Space, Typography } from "antd";
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
      <main className="signin-card">
        <header>
          <div>
            <div className="title">{t("appTitle")}</div>
            <Typography.Text type="secondary">{t("appSubtitle")}</Typography.Text>
          </div>
          <Button type="link" onClick={toggle}>{t("language")}</Button>
        </header>
        <Space direction="vertical" size="middle" style={{ width: "100%" }}>
          {notice && <Alert type={reason === "failed" ? "warning" : "info"} showIcon message={notice} description={reason === "failed" ? error : undefined} />}
          <Typography.Title level={4} style={{ margin: 0 }}>{t("signInTitle")}</Typography.Title>
          <Typography.Paragraph>{t("signInText")}</Typography.Paragraph>
          <Button id="signin" type="primary" size="large" block loading={busy}
            onClick={() => { setBusy(true); signIn().catch(() => setBusy(false)); }}>
            {t("signIn")}
          </Button>
        </Space>
      </main>
    </div>
  );
}
