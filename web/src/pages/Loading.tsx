import { Spin } from "antd";
import { useI18n } from "../i18n";

export function Loading() {
  const { t } = useI18n();
  return <div style={{ padding: 48, textAlign: "center" }}><Spin tip={t("loading")} size="large"><div style={{ height: 40 }} /></Spin></div>;
}
