// 延期: a unit's own deadline with the reason, and the extensions it had (who, when, why).
import { App, Descriptions, Form, Input, Modal, Table, Typography } from "antd";
import { useState } from "react";
import { useApi } from "../../api/ApiProvider";
import { ApiError, unwrap, type AggregatorSchemas } from "../../api/client";
import { useI18n } from "../../i18n";
import { useAsync } from "../../useAsync";
import { beijingInput, useLabels, useWho } from "./shared";

type Row = AggregatorSchemas["TrackerRowOut"];
type Step = AggregatorSchemas["StepOut"];

export function ExtendModal({ campaign, row, onClose, onDone }: { campaign: string; row: Row; onClose: () => void; onDone: () => void }) {
  const api = useApi();
  const { message } = App.useApp();
  const { t, beijingTime } = useI18n();
  const { unitName } = useLabels();
  const who = useWho();
  const [form] = Form.useForm<{ deadline: string; reason: string }>();
  const [saving, setSaving] = useState(false);
  const path = { campaign, province: row.province };
  const submission = useAsync(() => unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/submissions/{province}", { params: { path } })), [api, campaign, row.province]);
  const extensions = (submission.data?.history ?? []).filter((s) => s.action === "extended");

  async function save() {
    const values = await form.validateFields().catch(() => null); // the form shows what is missing
    if (!values) return;
    setSaving(true);
    try {
      const changed = await unwrap(api.aggregator.POST("/v1/campaigns/{campaign}/submissions/{province}/extend", {
        params: { path }, body: { deadline: beijingInput(values.deadline), reason: values.reason },
      }));
      message.success(t("inboxExtendedOk", { deadline: beijingTime(changed.deadline) }));
      onDone();
    } catch (e) {
      const field = e instanceof ApiError ? e.problem?.errors?.[0] : undefined;
      if (field?.field === "deadline" || field?.field === "reason") form.setFields([{ name: field.field, errors: [field.message ?? ""] }]);
      else message.error((e as Error).message);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal open width={640} title={t("inboxExtendTitle", { unit: unitName(row.province) })} onCancel={onClose} onOk={() => void save()}
      okText={t("inboxSave")} cancelText={t("inboxCancel")} confirmLoading={saving} okButtonProps={{ id: "extend-save" }} destroyOnHidden>
      <Descriptions size="small" column={1} bordered style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t("inboxCurrentDeadline")}>{beijingTime(row.deadline)}</Descriptions.Item>
      </Descriptions>
      <Form form={form} layout="vertical" requiredMark>
        <Form.Item name="deadline" label={t("inboxNewDeadline")} rules={[{ required: true, message: t("inboxDeadlineRequired") }]}>
          <Input id="extend-deadline" type="datetime-local" />
        </Form.Item>
        <Form.Item name="reason" label={t("inboxReason")} rules={[{ required: true, whitespace: true, message: t("inboxReasonRequired") }]}>
          <Input.TextArea id="extend-reason" rows={2} maxLength={2000} />
        </Form.Item>
      </Form>
      {extensions.length > 0 && (
        <>
          <Typography.Text strong>{t("inboxExtensions")}</Typography.Text>
          <Table<Step> size="small" rowKey="at" pagination={false} dataSource={extensions} style={{ marginTop: 4 }}
            columns={[
              { title: t("inboxAt"), dataIndex: "at", render: (at: string) => beijingTime(at) },
              { title: t("inboxBy"), dataIndex: "by", render: (by: string) => who(by) },
              { title: t("inboxNewDeadline"), dataIndex: "deadline", render: (d: string | null) => (d ? beijingTime(d) : "") },
              { title: t("inboxReason"), dataIndex: "reason" },
            ]} />
        </>
      )}
    </Modal>
  );
}
