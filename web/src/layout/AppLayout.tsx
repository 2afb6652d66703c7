// The frame every signed-in page shares: the menu of the workspaces the role may open, who is
// signed in, the language and sign-out.
import { Button, Layout, Menu, Space, Tag } from "antd";
import { Outlet, useLocation, useNavigate } from "react-router";
import { useAuth } from "../auth/AuthProvider";
import type { Role } from "../auth/session";
import { useI18n } from "../i18n";
import { BOARD_ROLES } from "../roles";

const ROLE_LABEL = { hq: "roleHq", viewer: "roleViewer", admin: "roleAdmin", province: "roleProvince" } as const satisfies Record<Role, string>;

export function AppLayout() {
  const { identity, signOut } = useAuth();
  const { t, toggle } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const role = identity?.role ?? null;
  const items = [
    ...(role && BOARD_ROLES.includes(role) ? [{ key: "/hq", label: t("navBoard") }] : []),
    ...(role === "province" ? [{ key: "/province", label: t("navProvince") }] : []),
  ];
  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Header className="app-header">
        <div className="brand">{t("appTitle")}<small>{t("appSubtitle")}</small></div>
        <Menu theme="dark" mode="horizontal" selectedKeys={items.filter((i) => location.pathname.startsWith(i.key)).map((i) => i.key)} items={items} onClick={({ key }) => navigate(key)} />
        <Space className="who">
          <span id="who">{identity?.name}</span>
          {role && <Tag color="gold">{t(ROLE_LABEL[role])}</Tag>}
          <Button id="lang" size="small" onClick={toggle}>{t("language")}</Button>
          <Button id="signout" size="small" onClick={() => void signOut()}>{t("signOut")}</Button>
        </Space>
      </Layout.Header>
      <Layout.Content className="app-content">
        <Outlet />
      </Layout.Content>
    </Layout>
  );
}
