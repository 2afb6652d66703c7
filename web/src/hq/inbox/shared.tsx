// What the headquarters pages (报送管理, 催报记录, 汇总统计) share: the campaign they show (the
// current one first, a picker for the others), the labels of units and metrics, whether the
// signed-in person may act (hq, admin) or only read (viewer), and files fetched with the token.
import { Select, Space } from "antd";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useApi } from "../../api/ApiProvider";
import { unwrap } from "../../api/client";
import { useAuth } from "../../auth/AuthProvider";
import { currentCampaign } from "../../campaigns";
import { useI18n } from "../../i18n";
import { useAsync } from "../../useAsync";

/** The roles the API lets approve, return, extend, remind and record on behalf. */
const ACTING_ROLES = new Set(["hq", "admin"]);

export function useCanAct(): boolean {
  const { identity } = useAuth();
  return ACTING_ROLES.has(identity?.role ?? "");
}

export function useCampaignChoice() {
  const api = useApi();
  const campaigns = useAsync(() => unwrap(api.aggregator.GET("/v1/campaigns")), [api]);
  const [campaign, setCampaign] = useState<string | null>(null);
  useEffect(() => {
    if (campaign === null && campaigns.data) setCampaign(currentCampaign(campaigns.data.items)?.campaign ?? null);
  }, [campaign, campaigns.data]);
  const chosen = campaigns.data?.items.find((c) => c.campaign === campaign) ?? null;
  return { campaigns, campaign, chosen, setCampaign };
}

export function CampaignPicker({ choice }: { choice: ReturnType<typeof useCampaignChoice> }) {
  const { t } = useI18n();
  return (
    <Space size="small">
      <label htmlFor="campaign">{t("campaign")}</label>
      <Select id="campaign" size="small" style={{ width: 170 }} value={choice.campaign ?? undefined} onChange={choice.setCampaign}
        loading={choice.campaigns.loading} showSearch
        options={(choice.campaigns.data?.items ?? []).map((c) => ({ value: c.campaign, label: c.campaign }))} />
    </Space>
  );
}

export function useLabels() {
  const api = useApi();
  const { lang } = useI18n();
  const reference = useAsync(() => unwrap(api.aggregator.GET("/v1/reference")), [api]);
  const units = useMemo(() => new Map((reference.data?.units ?? []).map((u) => [u.code, u])), [reference.data]);
  const metrics = useMemo(() => reference.data?.metrics ?? [], [reference.data]);
  const unitName = useCallback((code: string) => {
    const unit = units.get(code);
    return unit ? (lang === "zh" ? unit.name : unit.name_en) : code;
  }, [units, lang]);
  const metricLabel = useCallback((name: string) => {
    const m = metrics.find((x) => x.name === name);
    return m ? (lang === "zh" ? m.label_zh : m.label_en) : name;
  }, [metrics, lang]);
  return { reference, metrics, unitName, metricLabel, unitCodes: [...units.keys()] };
}

/** A Blob as a data: URL (the gateway's Content-Security-Policy admits data: images, not blob:). */
export function dataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error("the file could not be read"));
    reader.readAsDataURL(blob);
  });
}

/** A `datetime-local` value (the officer's Beijing wall time) as an ISO time with its offset. */
export function beijingInput(value: string): string {
  return `${value.length === 16 ? `${value}:00` : value}+08:00`;
}

/** Now in Beijing as a `datetime-local` value. */
export function beijingNowInput(): string {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 16);
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Who did it, as the page can say it: the signed-in person by name, anyone else by the subject
 * the service recorded. */
export function useWho(): (sub: string) => string {
  const { identity } = useAuth();
  return useCallback((sub: string) => (identity && sub === identity.subject ? identity.name : sub), [identity]);
}
