// 催报记录: the reminders and escalations sent in a campaign (step, unit, time, who, whether the
// e-mail was delivered), and, for hq, a button that sends the steps now due.
import { Alert, App, Button, Card, Popconfirm, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useApi } from "../../api/ApiProvider";
import { unwrap, type AggregatorSchemas } from "../../api/client";
import { useI18n, type TextKey } from "../../i18n";
import { useAsync } from "../../useAsync";
import { CampaignPicker, useCampaignChoice, useCanAct, useLabels, useWho } from "./shared";

type Reminder = AggregatorSchemas["ReminderOut"];
const EMAIL_COLOUR: Record<Reminder["email"], string> = { none: "default", pending: "gold", sending: "blue", sent: "green", failed: "red" };

export default function RemindersPage() {
  return <App component={false}><Reminders /></App>;
}

function Reminders() {
  const api = useApi();
  const { message } = App.useApp();
  const { t, beijingTime } = useI18n();
  const canAct = useCanAct();
  const who = useWho();
  const choice = useCampaignChoice();
  const { campaign } = choice;
  const { unitName, unitCodes } = useLabels();
  const [unit, setUnit] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const list = useAsync(async () => (campaign === null ? null
    : unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/reminders", { params: { path: { campaign }, query: unit ? { province: unit } : {} } }))), [api, campaign, unit]);

  const shown = list.data?.campaign === campaign ? list.data : undefined;

  async function run() {
    if (campaign === null) return;
    setRunning(true);
    try {
      const done = await unwrap(api.aggregator.POST("/v1/campaigns/{campaign}/reminders/run", { params: { path: { campaign } } }));
      message.success(t("inboxRunDone", { count: done.items.length, emails: done.emails_sent }));
      list.reload();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setRunning(false);
    }
  }

  const step = (r: Reminder) => (r.by ? t("inboxStepManual")
    : t(r.kind === "reminder" ? "inboxStepBefore" : "inboxStepAfter", { days: r.days }));

  return (
    <Space direction="vertical" size="small" style={{ width: "100%" }} id="reminders" data-campaign={shown?.campaign}>
      <Card size="small">
        <Space wrap size="middle">
          <Typography.Title level={4} style={{ margin: 0 }}>{t("inboxRemindersTitle")}</Typography.Title>
          <CampaignPicker choice={choice} />
          <Select id="reminders-unit" size="small" style={{ width: 200 }} value={unit ?? ""} onChange={(v) => setUnit(v || null)} showSearch optionFilterProp="label"
            options={[{ value: "", label: t("inboxAllUnits") }, ...unitCodes.map((code) => ({ value: code, label: unitName(code) }))]} />
          {canAct && (
            <Popconfirm title={t("inboxRunConfirm")} okText={t("inboxRunReminders")} cancelText={t("inboxCancel")} onConfirm={() => run()} okButtonProps={{ id: "run-reminders-confirm" }}>
              <Button type="primary" size="small" id="run-reminders" loading={running}>{t("inboxRunReminders")}</Button>
            </Popconfirm>
          )}
          {shown && <Typography.Text type="secondary">{t("inboxCount", { count: shown.items.length })}</Typography.Text>}
        </Space>
      </Card>
      {list.error && <Alert type="error" showIcon message={t("loadFailed")} description={list.error.message} action={<Button onClick={list.reload}>{t("retry")}</Button>} />}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<Reminder> id="reminders-table" size="small" rowKey={(r) => `${r.province}|${r.step}|${r.deadline}`} dataSource={shown?.items ?? []}
          loading={!shown && !list.error} locale={{ emptyText: t("inboxNoReminders") }} pagination={{ pageSize: 50, size: "small", hideOnSinglePage: true }}
          columns={[
            { title: t("inboxAt"), dataIndex: "at", width: 170, render: (at: string) => beijingTime(at) },
            { title: t("unit"), dataIndex: "province", width: 150, render: (code: string) => unitName(code) },
            { title: t("inboxFileKind"), dataIndex: "kind", width: 110, render: (k: Reminder["kind"]) => <Tag color={k === "escalation" ? "red" : "blue"}>{t(`inboxKind_${k}` as TextKey)}</Tag> },
            { title: t("inboxStep"), key: "step", width: 120, render: (_: unknown, r) => step(r) },
            { title: t("deadline"), dataIndex: "deadline", width: 170, render: (d: string) => beijingTime(d) },
            { title: t("inboxSentBy"), dataIndex: "by", width: 140, render: (by: string | null) => (by ? who(by) : <Typography.Text type="secondary">{t("inboxBySchedule")}</Typography.Text>) },
            { title: t("inboxEmail"), key: "email", render: (_: unknown, r) => (
              <Space size={4}>
                <Tag color={EMAIL_COLOUR[r.email]} className={`email-${r.email}`}>{t(`inboxEmail_${r.email}` as TextKey)}</Tag>
                {r.email_recipients > 0 && <Typography.Text type="secondary">{t("inboxRecipients", { count: r.email_recipients })}</Typography.Text>}
                {r.email_sent_at && <Typography.Text type="secondary">{beijingTime(r.email_sent_at)}</Typography.Text>}
              </Space>) },
          ]} />
      </Card>
    </Space>
  );
}
