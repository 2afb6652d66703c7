// The tags the inbox's table and a package's drawer both show: status, channel, timeliness.
import { Tag } from "antd";
import type { AggregatorSchemas } from "../../api/client";
import { useI18n, type TextKey } from "../../i18n";

export type Row = AggregatorSchemas["TrackerRowOut"];
export type Status = Row["status"];
export const STATUSES: readonly Status[] = ["missing", "submitted", "returned", "approved"];
export const STATUS_COLOUR: Record<Status, string> = { missing: "default", submitted: "blue", approved: "green", returned: "orange" };

export function ChannelTag({ channel }: { channel: Row["channel"] }) {
  const { t } = useI18n();
  if (!channel || channel === "sanjin") return null;
  return <Tag color="purple">{t(`inboxChannel_${channel}` as TextKey)}</Tag>;
}

export function Timeliness({ row }: { row: Pick<Row, "on_time" | "days_late" | "status"> & { overdue?: boolean } }) {
  const { t } = useI18n();
  if (row.overdue) return <Tag color="red">{t("overdue")}</Tag>;
  if (row.on_time === null) return null;
  return row.on_time ? <Tag color="green">{t("onTime")}</Tag> : <Tag color="orange">{t("late")}</Tag>;
}
