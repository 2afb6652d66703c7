// What headquarters' figure pages share (the board, a province's drill-down, the risk signals, year
// over year): the campaign in the address (?campaign=, else the current one), the reference data's
// names, the labels of the records' codes, download buttons and a table that pages through a list.
import { Button, message as antMessage, Space, Table, type TableColumnsType } from "antd";
import { useCallback, useEffect, useMemo, useState, type Key } from "react";
import { useSearchParams } from "react-router";
import { saveFile } from "../../api/download";
import { unwrap, type AggregatorSchemas } from "../../api/client";
import { useApi } from "../../api/ApiProvider";
import { useAuth } from "../../auth/AuthProvider";
import { currentCampaign } from "../../campaigns";
import { useI18n, type TextKey } from "../../i18n";
import { useAsync } from "../../useAsync";
import { zh } from "../texts";

type Campaign = AggregatorSchemas["CampaignOut"];

/** The colour of a submission's status tag, and of a risk level's. */
export const STATUS_COLOUR: Record<string, string> = { missing: "default", submitted: "blue", approved: "green", returned: "orange" };
export const RISK_COLOUR: Record<string, string> = { low: "default", medium: "gold", high: "orange", serious: "red" };

/** The campaign a page shows: `?campaign=` of the address, else the current one. Choosing
 * another writes it into the address, so a link, a reload or the way back keeps it. */
export function useCampaign(): { campaign: string | null; campaigns: Campaign[]; loading: boolean; error: Error | null; choose: (c: string) => void; reload: () => void } {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const listed = useAsync(() => unwrap(api.aggregator.GET("/v1/campaigns")), [api]);
  const campaigns = useMemo(() => listed.data?.items ?? [], [listed.data]);
  const named = params.get("campaign");
  const campaign = named ?? (listed.data ? currentCampaign(campaigns)?.campaign ?? null : null);
  const choose = useCallback((c: string) => setParams((p) => {
    p.set("campaign", c);
    return p;
  }, { replace: true }), [setParams]);
  return { campaign, campaigns, loading: listed.loading, error: listed.error, choose, reload: listed.reload };
}

/** The reference data (units, metrics, venue types) and their names in the chosen language. */
export function useReference() {
  const api = useApi();
  const { lang } = useI18n();
  const reference = useAsync(() => unwrap(api.aggregator.GET("/v1/reference")), [api]);
  const units = useMemo(() => reference.data?.units ?? [], [reference.data]);
  const metrics = useMemo(() => reference.data?.metrics ?? [], [reference.data]);
  const byCode = useMemo(() => new Map(units.map((u) => [u.code, u])), [units]);
  const unitName = useCallback((code: string) => {
    const unit = byCode.get(code);
    return unit ? (lang === "zh" ? unit.name : unit.name_en) : code;
  }, [byCode, lang]);
  const metricLabel = useCallback((name: string) => {
    const m = metrics.find((x) => x.name === name);
    return m ? (lang === "zh" ? m.label_zh : m.label_en) : name;
  }, [metrics, lang]);
  return { units, metrics, unitName, metricLabel, error: reference.error, reload: reference.reload };
}

/** May the signed-in person read the provinces' records (not the national association)? */
export function useReadsRecords(): boolean {
  const { identity } = useAuth();
  return identity?.role === "hq" || identity?.role === "admin";
}

/** The label of a record's code (`figRisk_high`), or the code itself when it has none. */
export function useLabel() {
  const { t } = useI18n();
  return useCallback((prefix: string, value: string | null | undefined) => {
    if (value === null || value === undefined) return "";
    const key = `${prefix}_${value}`;
    return key in zh ? t(key as TextKey) : value;
  }, [t]);
}

/** A button that fetches a file with the bearer token and saves it (`saveFile`). */
export function DownloadButton({ id, label, fetchFile, fallbackName, disabled }: {
  id: string;
  label: string;
  fetchFile: () => Promise<{ data?: Blob; error?: unknown; response: Response }>;
  fallbackName: string;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const [message, holder] = antMessage.useMessage();
  const [busy, setBusy] = useState(false);
  const click = async () => {
    setBusy(true);
    try {
      const name = await saveFile(fetchFile(), fallbackName);
      message.success(t("figDownloaded", { name }));
    } catch (e) {
      message.error(`${t("figDownloadFailed")}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  };
  return <>{holder}<Button id={id} size="small" loading={busy} disabled={disabled} onClick={() => void click()}>{label}</Button></>;
}

interface PageOf<T> {
  items: T[];
  next_cursor?: string | null;
}

/** A list read page by page through its cursor (`limit` per page), with previous and next. */
export function CursorTable<T extends object>({ id, load, deps, columns, rowKey, pageSize = 20, expandable, empty }: {
  id: string;
  load: (cursor: string | undefined, limit: number) => Promise<PageOf<T>>;
  deps: readonly unknown[];
  columns: TableColumnsType<T>;
  rowKey: string | ((row: T) => Key);
  pageSize?: number;
  expandable?: Parameters<typeof Table<T>>[0]["expandable"];
  /** what an empty list says (default: the table's own "no data") */
  empty?: string;
}) {
  const { t } = useI18n();
  // the cursors of the pages seen so far: page n starts at cursors[n] (the first at none)
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState(0);
  const key = JSON.stringify(deps);
  useEffect(() => {
    setCursors([undefined]);
    setPage(0);
  }, [key]);
  const result = useAsync(() => load(cursors[page], pageSize), [key, page, cursors[page]]);
  const next = result.data?.next_cursor ?? null;
  return (
    <div id={id}>
      <Table<T> size="small" rowKey={rowKey} columns={columns} dataSource={result.data?.items ?? []} loading={result.loading}
        pagination={false} expandable={expandable} scroll={{ x: "max-content" }}
        locale={result.error ? { emptyText: result.error.message } : empty ? { emptyText: empty } : undefined} />
      {(page > 0 || next) && (
        <Space style={{ marginTop: 8 }}>
          <Button size="small" disabled={page === 0} onClick={() => setPage(page - 1)}>{t("figPrev")}</Button>
          <span>{t("figPage", { n: page + 1 })}</span>
          <Button size="small" disabled={!next} onClick={() => {
            setCursors([...cursors.slice(0, page + 1), next ?? undefined]);
            setPage(page + 1);
          }}>{t("figNext")}</Button>
        </Space>
      )}
    </div>
  );
}
