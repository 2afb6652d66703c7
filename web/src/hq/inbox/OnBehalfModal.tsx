// 代为录入: a report that reached headquarters by e-mail or on paper, recorded for the unit with
// the files that came with it (uploaded first into the unit's package). The service marks it with
// its channel and who recorded it, and audits it.
import { Alert, App, Button, Form, Input, Modal, Radio, Select, Upload, type UploadFile } from "antd";
import { useState } from "react";
import { useApi } from "../../api/ApiProvider";
import { ApiError, unwrap, type AggregatorSchemas } from "../../api/client";
import { useI18n } from "../../i18n";
import { beijingInput, beijingNowInput, useLabels } from "./shared";

type FileOut = AggregatorSchemas["FileOut"];
type Kind = FileOut["kind"];

interface Values {
  province: string;
  channel: "email" | "paper";
  received_at: string;
  summary: string;
}

/** How an uploaded file is filed in the package: pictures are photos, the first document is the
 * summary, later ones attachments. */
function kindOf(file: File, hasSummary: boolean): Kind {
  if (file.type.startsWith("image/")) return "photo";
  return hasSummary ? "attachment" : "summary";
}

export function OnBehalfModal({ campaign, province, units, onClose, onDone }: {
  campaign: string; province: string | null; units: string[]; onClose: () => void; onDone: () => void;
}) {
  const api = useApi();
  const { message } = App.useApp();
  const { t } = useI18n();
  const { unitName } = useLabels();
  const [form] = Form.useForm<Values>();
  const unit = Form.useWatch("province", form) ?? province;
  const [files, setFiles] = useState<UploadFile<FileOut>[]>([]);
  const [saving, setSaving] = useState(false);
  const stored = files.filter((f) => f.status === "done" && f.response).map((f) => f.response as FileOut);

  async function upload(file: File): Promise<FileOut> {
    if (!unit) throw new Error(t("inboxUnit"));
    const data = new FormData();
    data.append("file", file, file.name);
    data.append("kind", kindOf(file, stored.some((f) => f.kind === "summary")));
    data.append("province", unit);
    return unwrap(api.aggregator.POST("/v1/campaigns/{campaign}/files", {
      params: { path: { campaign } }, body: data as never, bodySerializer: (body: unknown) => body as FormData,
    }));
  }

  async function save() {
    const values = await form.validateFields().catch(() => null); // the form shows what is missing
    if (!values) return;
    setSaving(true);
    try {
      await unwrap(api.aggregator.POST("/v1/campaigns/{campaign}/submissions/{province}/on-behalf", {
        params: { path: { campaign, province: values.province } },
        body: { summary: values.summary, channel: values.channel, received_at: beijingInput(values.received_at), files: stored.map((f) => f.id) },
      }));
      message.success(t("inboxRecordedOk"));
      onDone();
    } catch (e) {
      const field = e instanceof ApiError ? e.problem?.errors?.[0] : undefined;
      if (field?.field && ["summary", "received_at", "channel"].includes(field.field)) form.setFields([{ name: field.field as keyof Values, errors: [field.message ?? ""] }]);
      else message.error((e as Error).message);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal open width={680} title={t("inboxOnBehalfTitle", { unit: unit ? unitName(unit) : "" })} onCancel={onClose} onOk={() => void save()}
      okText={t("inboxSave")} cancelText={t("inboxCancel")} confirmLoading={saving} okButtonProps={{ id: "on-behalf-save" }} destroyOnHidden>
      <Alert type="info" showIcon message={t("inboxOnBehalfHint")} style={{ marginBottom: 12 }} />
      <Form form={form} layout="horizontal" labelCol={{ span: 5 }} requiredMark
        initialValues={{ province: province ?? undefined, channel: "email", received_at: beijingNowInput() }}>
        <Form.Item name="province" label={t("inboxUnit")} rules={[{ required: true }]}>
          <Select id="on-behalf-unit" showSearch optionFilterProp="label" disabled={province !== null || stored.length > 0}
            options={units.map((code) => ({ value: code, label: unitName(code) }))} />
        </Form.Item>
        <Form.Item name="channel" label={t("inboxChannel")} rules={[{ required: true }]}>
          <Radio.Group id="on-behalf-channel" optionType="button" size="small"
            options={[{ value: "email", label: t("inboxChannel_email") }, { value: "paper", label: t("inboxChannel_paper") }]} />
        </Form.Item>
        <Form.Item name="received_at" label={t("inboxReceivedAt")} extra={t("inboxReceivedAtHelp")} rules={[{ required: true }]}>
          <Input id="on-behalf-received" type="datetime-local" style={{ width: 220 }} />
        </Form.Item>
        <Form.Item name="summary" label={t("inboxSummaryText")} rules={[{ required: true, whitespace: true, message: t("inboxSummaryRequired") }]}>
          <Input.TextArea id="on-behalf-summary" rows={5} maxLength={20000} showCount />
        </Form.Item>
        <Form.Item label={t("inboxFiles")} extra={t("inboxUploadHint")}>
          <Upload<FileOut> fileList={files} multiple disabled={!unit} accept=".pdf,.docx,.jpg,.jpeg,.png"
            onChange={({ fileList }) => setFiles(fileList)}
            customRequest={({ file, onSuccess, onError }) => {
              upload(file as File).then((out) => onSuccess?.(out)).catch((e: Error) => { message.error(e.message); onError?.(e); });
            }}>
            <Button size="small" id="on-behalf-upload">{t("inboxUpload")}</Button>
          </Upload>
        </Form.Item>
      </Form>
    </Modal>
  );
}
