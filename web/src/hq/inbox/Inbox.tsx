// 报送管理: the 32 reporting units of a campaign with their status, timeliness, days late and
// their own deadline; filters; a unit's package in a drawer (read, approve, return, versions);
// extensions, reminders by hand and reports recorded on behalf. A viewer reads, nothing more.
import { Alert, App, Button, Card, Checkbox, Select, Space, Table, Tag, Tooltip, Typography } from "antd";
import { useMemo, useState } from "react";
import { useParams } from "react-router";
import { useApi } from "../../api/ApiProvider";
import { unwrap } from "../../api/client";
import { useI18n } from "../../i18n";
import { useAsync } from "../../useAsync";
import { ChannelTag, STATUSES, STATUS_COLOUR, Timeliness, type Row, type Status } from "./tags";
import { ExtendModal } from "./ExtendModal";
import { OnBehalfModal } from "./OnBehalfModal";
import { PackageDrawer } from "./PackageDrawer";
import { CampaignPicker, useCampaignChoice, useCanAct, useLabels } from "./shared";

/** The page, inside antd's App for its message API. */
export default function InboxPage() {
  return <App component={false}><Inbox /></App>;
}

function Inbox() {
  const api = useApi();
  const { message } = App.useApp();
  const { t, beijingTime } = useI18n();
  const canAct = useCanAct();
  const choice = useCampaignChoice();
  const { campaign } = choice;
  const { unitName } = useLabels();
  const [status, setStatus] = useState<Status | null>(null);
  const [onlyLate, setOnlyLate] = useState(false);
  // `/hq/inbox/:code` (a province's drill-down links here) opens that unit's package
  const { code } = useParams();
  const [open, setOpen] = useState<string | null>(code ?? null);
  const [extending, setExtending] = useState<Row | null>(null);
  const [onBehalf, setOnBehalf] = useState<string | null>(null);

  const tracker = useAsync(async () => (campaign === null ? null
    : unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/submissions", { params: { path: { campaign } } }))), [api, campaign]);
  // the answer for the campaign chosen (not the previous one's while the new one loads)
  const board = tracker.data?.campaign === campaign ? tracker.data : undefined;
  const rows = useMemo(() => (board?.items ?? []).filter((r) =>
    (status === null || r.status === status) && (!onlyLate || r.overdue || r.on_time === false)), [board, status, onlyLate]);
  const summary = board?.summary;

  async function remind(row: Row) {
    if (campaign === null) return;
    try {
      await unwrap(api.aggregator.POST("/v1/campaigns/{campaign}/submissions/{province}/remind", { params: { path: { campaign, province: row.province } } }));
      message.success(t("inboxReminded", { unit: unitName(row.province) }));
    } catch (e) {
      message.error((e as Error).message);
    }
  }

  return (
    <Space direction="vertical" size="small" style={{ width: "100%" }} id="inbox" data-campaign={board?.campaign}>
      <Card size="small">
        <Space wrap size="middle">
          <Typography.Title level={4} style={{ margin: 0 }}>{t("inboxTitle")}</Typography.Title>
          <CampaignPicker choice={choice} />
          <Space size="small">
            <label htmlFor="inbox-status">{t("inboxFilterStatus")}</label>
            <Select id="inbox-status" size="small" style={{ width: 120 }} value={status ?? ""} onChange={(v) => setStatus(v === "" ? null : (v as Status))}
              options={[{ value: "", label: t("inboxAllStatuses") }, ...STATUSES.map((s) => ({ value: s, label: t(s) }))]} />
          </Space>
          <Checkbox id="inbox-late" checked={onlyLate} onChange={(e) => setOnlyLate(e.target.checked)}>{t("inboxOnlyLate")}</Checkbox>
          {board && <Typography.Text type="secondary">{t("deadline")} {beijingTime(board.report_deadline)}</Typography.Text>}
          {canAct && <Button size="small" id="on-behalf" onClick={() => setOnBehalf("")}>{t("inboxOnBehalf")}</Button>}
        </Space>
        {summary && (
          <div style={{ marginTop: 8 }} id="inbox-summary">
            <Space size={4} wrap>
              <Tag>{t("trackerSummary", { expected: summary.expected, submitted: summary.submitted, on_time: summary.on_time, late: summary.late, approved: summary.approved, missing: summary.missing.length })}</Tag>
              {summary.returned > 0 && <Tag color="orange">{t("returned")} {summary.returned}</Tag>}
              {summary.overdue.length > 0 && <Tag color="red">{t("overdue")} {summary.overdue.length}</Tag>}
            </Space>
          </div>
        )}
      </Card>
      {!canAct && <Alert type="info" showIcon message={t("inboxReadOnly")} />}
      {tracker.error && <Alert type="error" showIcon message={t("loadFailed")} description={tracker.error.message} action={<Button onClick={tracker.reload}>{t("retry")}</Button>} />}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<Row> id="inbox-table" size="small" rowKey="province" pagination={false} dataSource={rows} loading={!board && !tracker.error}
          locale={{ emptyText: t("inboxNoRows") }} rowClassName={(row) => (row.overdue ? "row-overdue" : "")}
          columns={[
            { title: t("unit"), dataIndex: "province", width: 150, render: (code: string) => <a onClick={() => setOpen(code)}>{unitName(code)}</a> },
            { title: t("status"), dataIndex: "status", width: 90, render: (s: Status) => <Tag color={STATUS_COLOUR[s]}>{t(s)}</Tag> },
            { title: t("timeliness"), key: "timeliness", width: 90, render: (_: unknown, row) => <Timeliness row={row} /> },
            { title: t("inboxDaysLate"), dataIndex: "days_late", width: 80, align: "right", render: (d: number) => (d > 0 ? <Typography.Text type="danger">{d}</Typography.Text> : "") },
            { title: t("deadline"), key: "deadline", width: 190, render: (_: unknown, row) => (
              <Space size={4}>{beijingTime(row.deadline)}{row.extended && <Tag color="gold">{t("inboxExtended")}</Tag>}</Space>) },
            { title: t("submittedAt"), key: "submitted", width: 190, render: (_: unknown, row) => (row.submitted_at ? (
              <Space size={4}>{beijingTime(row.first_submitted_at ?? row.submitted_at)}<ChannelTag channel={row.channel} /></Space>) : "") },
            { title: t("inboxAttempts"), dataIndex: "attempts", width: 84, align: "right", render: (n: number) => (n > 0 ? n : "") },
            { title: t("inboxApprovedAt"), dataIndex: "approved_at", width: 180, render: (at: string | null) => (at ? beijingTime(at) : "") },
            { title: t("inboxComment"), dataIndex: "comment", ellipsis: true, render: (c: string | null) => (c ? <Tooltip title={c}>{c}</Tooltip> : "") },
            { title: t("inboxActions"), key: "actions", width: canAct ? 220 : 70, render: (_: unknown, row) => (
              <Space size={0} split={<span className="sep">|</span>}>
                <Button type="link" size="small" className="open" onClick={() => setOpen(row.province)}>{t("inboxOpen")}</Button>
                {canAct && row.status !== "approved" && <Button type="link" size="small" className="extend" onClick={() => setExtending(row)}>{t("inboxExtend")}</Button>}
                {canAct && row.status === "missing" && <Button type="link" size="small" className="remind" onClick={() => void remind(row)}>{t("inboxRemind")}</Button>}
                {canAct && row.status !== "approved" && <Button type="link" size="small" className="on-behalf" onClick={() => setOnBehalf(row.province)}>{t("inboxOnBehalf")}</Button>}
              </Space>) },
          ]} />
      </Card>
      {campaign !== null && open !== null && (
        <PackageDrawer campaign={campaign} province={open} onClose={() => setOpen(null)} onChanged={tracker.reload} />
      )}
      {campaign !== null && extending !== null && (
        <ExtendModal campaign={campaign} row={extending} onClose={() => setExtending(null)} onDone={() => { setExtending(null); tracker.reload(); }} />
      )}
      {campaign !== null && onBehalf !== null && (
        <OnBehalfModal campaign={campaign} province={onBehalf || null} units={(board?.items ?? []).filter((r) => r.status !== "approved").map((r) => r.province)}
          onClose={() => setOnBehalf(null)} onDone={() => { setOnBehalf(null); tracker.reload(); }} />
      )}
    </Space>
  );
}
