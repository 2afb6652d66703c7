// What a person sees instead of a page they may not use: always a clear message, never a blank.
import { Button, Result } from "antd";
import { useNavigate } from "react-router";
import { useAuth } from "../auth/AuthProvider";
import { useI18n } from "../i18n";
import { useUnitName } from "../province/useUnitName";

export function HqOnly() {
  const { t } = useI18n();
  const { identity } = useAuth();
  const navigate = useNavigate();
  const unit = useUnitName(identity?.province ?? null);
  return (
    <Result status="warning" title={t("hqOnlyTitle")} subTitle={t("hqOnlyText", { unit: unit ?? identity?.province ?? "" })}
      extra={<Button type="primary" id="go-province" onClick={() => navigate("/province")}>{t("goProvince")}</Button>} />
  );
}

export function NoRole() {
  const { t } = useI18n();
  const { signOut } = useAuth();
  return <Result status="warning" title={t("noRole")} subTitle={t("noRoleText")} extra={<Button onClick={() => void signOut()}>{t("signOut")}</Button>} />;
}

export function NotFound() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return <Result status="info" title={t("notFound")} extra={<Button type="primary" onClick={() => navigate("/")}>{t("backHome")}</Button>} />;
}
