// A workspace is a list of pages: each page's path, its menu label and its element are declared
// once (in the workspace's own file), and the side menu and the nested routes both read that list.
import { Layout, Menu } from "antd";
import { Suspense, type ReactNode } from "react";
import { Route, Routes, useLocation, useNavigate, useParams } from "react-router";
import { useI18n, type TextKey } from "../i18n";
import { NotFound } from "../pages/Results";

export interface Page {
  /** relative to the workspace ("" is its home); may end in "/*" for pages with pages of their own */
  path: string;
  label: TextKey;
  element: ReactNode;
  /** shown in the menu (default true); false for pages reached from another page */
  menu?: boolean;
}

export function Workspace({ pages, fallback }: { pages: readonly Page[]; fallback: ReactNode }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  // the workspace's own path: the location without the part its splat route matched (a path
  // resolved from here would include that part, and a menu link from /hq/signals led below it)
  const location = useLocation().pathname;
  const splat = useParams()["*"] ?? "";
  const base = location.slice(0, location.length - splat.length).replace(/\/$/, "");
  const here = location.replace(/\/$/, "");
  const menu = pages.filter((p) => p.menu !== false);
  const link = (p: Page) => `${base}/${p.path.replace(/\/?\*$/, "")}`.replace(/\/$/, "");
  // the longest page path the location starts with is the selected one
  const selected = menu
    .map(link)
    .filter((to) => here === to || here.startsWith(`${to}/`))
    .sort((a, b) => b.length - a.length)[0];
  return (
    <Layout className="workspace">
      {menu.length > 1 && (
        <Layout.Sider width={180} theme="light" className="workspace-menu">
          <Menu mode="inline" selectedKeys={selected ? [selected] : []} items={menu.map((p) => ({ key: link(p), label: t(p.label) }))}
            onClick={({ key }) => navigate(key)} />
        </Layout.Sider>
      )}
      <Layout.Content className="workspace-page">
        <Suspense fallback={fallback}>
          <Routes>
            {pages.map((p) => (p.path === "" ? <Route key="" index element={p.element} /> : <Route key={p.path} path={p.path} element={p.element} />))}
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </Layout.Content>
    </Layout>
  );
}
