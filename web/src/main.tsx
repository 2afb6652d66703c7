import { ConfigProvider } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import { StrictMode, useMemo, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import { createApi } from "./api/client";
import { ApiProvider } from "./api/ApiProvider";
import { App } from "./App";
import { AuthProvider } from "./auth/AuthProvider";
import { createUserManager, SILENT_PATH } from "./auth/session";
import { loadConfig } from "./config";
import { I18nProvider, useI18n } from "./i18n";
import "./styles.css";

const THEME = { token: { colorPrimary: "#a61d24", borderRadius: 4 } };

function Localised({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  const locale = useMemo(() => (lang === "zh" ? zhCN : enUS), [lang]);
  return <ConfigProvider locale={locale} theme={THEME} button={{ autoInsertSpace: false }}>{children}</ConfigProvider>;
}

async function start() {
  const root = createRoot(document.getElementById("root")!);
  let config;
  try {
    config = await loadConfig();
  } catch (e) {
    root.render(<p id="boot">无法读取系统配置（/config.json），请联系系统管理员。<br />{String(e)}</p>);
    return;
  }
  const manager = createUserManager(config);
  if (window.location.pathname === SILENT_PATH) {
    // inside the hidden frame of a silent sign-in: hand the answer to the application
    await manager.signinSilentCallback();
    return;
  }
  const api = createApi(config.api_base ?? "/api", manager, () => void manager.removeUser());
  root.render(
    <StrictMode>
      <I18nProvider>
        <Localised>
          <AuthProvider manager={manager}>
            <ApiProvider api={api}>
              <App />
            </ApiProvider>
          </AuthProvider>
        </Localised>
      </I18nProvider>
    </StrictMode>,
  );
}

void start();
