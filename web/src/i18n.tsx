// Chinese by default, English on request. The Chinese texts use the notice's own words.
import * as hq from "./hq/texts";
import * as province from "./province/texts";
import * as records from "./records/texts";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";

const core = {
  appTitle: "消费品质量安全“三进”活动",
  appSubtitle: "进社区 · 进校园 · 进乡镇",
  signIn: "登录",
  signInTitle: "请登录",
  signInText: "请使用统一身份认证账号登录。登录后，总局和促进会进入全国看板，各省（区、市）及兵团进入本省工作台。",
  signedOut: "您已退出登录。",
  sessionExpired: "登录已过期，请重新登录。",
  signInFailed: "登录未完成，请重试。",
  signingIn: "正在登录…",
  signOut: "退出登录",
  language: "English",
  loading: "正在加载…",
  loadFailed: "数据加载失败",
  retry: "重试",
  configFailed: "无法读取系统配置（/config.json），请联系系统管理员。",
  navBoard: "全国看板",
  navProvince: "本省工作台",
  roleHq: "总局",
  roleViewer: "促进会（只读）",
  roleAdmin: "系统管理员",
  roleProvince: "省级填报单位",
  noRole: "您的账号尚未分配角色",
  noRoleText: "请联系系统管理员为您的账号分配角色（总局、促进会、省级填报单位）后重新登录。",
  hqOnlyTitle: "全国看板仅供总局和促进会使用",
  hqOnlyText: "您以省级填报单位账号登录（{unit}）。全国汇总数据由总局质量监督司查看；本省的活动记录、统计表和报送材料请在本省工作台办理。",
  goProvince: "进入本省工作台",
  notFound: "页面不存在",
  backHome: "返回首页",
};

const coreEn: Record<keyof typeof core, string> = {
  appTitle: "Consumer-product quality safety campaign",
  appSubtitle: "into communities · campuses · townships",
  signIn: "Sign in",
  signInTitle: "Please sign in",
  signInText: "Sign in with your organisation's account. Headquarters and the national association land on the national board; provinces and the XPCC on their own workspace.",
  signedOut: "You have signed out.",
  sessionExpired: "Your session has expired. Please sign in again.",
  signInFailed: "Sign-in did not complete. Please try again.",
  signingIn: "Signing in…",
  signOut: "Sign out",
  language: "中文",
  loading: "Loading…",
  loadFailed: "Could not load the data",
  retry: "Retry",
  configFailed: "The configuration (/config.json) could not be read; please contact the administrator.",
  navBoard: "National board",
  navProvince: "Province workspace",
  roleHq: "Headquarters",
  roleViewer: "National association (read only)",
  roleAdmin: "Administrator",
  roleProvince: "Reporting unit",
  noRole: "Your account has no role yet",
  noRoleText: "Ask the administrator to give your account a role (headquarters, national association, reporting unit), then sign in again.",
  hqOnlyTitle: "The national board is for headquarters and the national association",
  hqOnlyText: "You are signed in as a reporting unit ({unit}). The national figures are read by headquarters; your own records, statistics table and report are handled in your province's workspace.",
  goProvince: "Open the province workspace",
  notFound: "Page not found",
  backHome: "Back to the start page",
};

// Each area keeps its own texts (hq/texts.ts, province/texts.ts, records/texts.ts); they meet here.
const zh = { ...core, ...hq.zh, ...province.zh, ...records.zh };

export type TextKey = keyof typeof zh;

const en: Record<TextKey, string> = { ...coreEn, ...hq.en, ...province.en, ...records.en };


export type Lang = "zh" | "en";
const TEXTS: Record<Lang, Record<TextKey, string>> = { zh, en };
const STORAGE_KEY = "sanjin-lang"; // a preference, not a credential

interface I18n {
  lang: Lang;
  toggle: () => void;
  t: (key: TextKey, values?: Record<string, string | number>) => string;
  /** a time shown in Beijing time, wherever the browser is */
  beijingTime: (iso: string) => string;
  number: (value: number | null | undefined) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem(STORAGE_KEY) === "en" ? "en" : "zh"));
  useEffect(() => {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    localStorage.setItem(STORAGE_KEY, lang);
  }, [lang]);
  const toggle = useCallback(() => setLang((l) => (l === "zh" ? "en" : "zh")), []);
  const value = useMemo<I18n>(() => {
    const locale = lang === "zh" ? "zh-CN" : "en-GB";
    return {
      lang,
      toggle,
      t: (key, values) =>
        TEXTS[lang][key].replace(/\{(\w+)\}/g, (_, name: string) => String(values?.[name] ?? `{${name}}`)),
      beijingTime: (iso) =>
        new Date(iso).toLocaleString(locale, { timeZone: "Asia/Shanghai", dateStyle: "medium", timeStyle: "short" }),
      number: (value) =>
        value === null || value === undefined ? "–" : Number.isInteger(value) ? value.toLocaleString(locale) : value.toFixed(2),
    };
  }, [lang, toggle]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error("useI18n outside I18nProvider");
  return i18n;
}
