// Writing or revising a typical case (典型案例): title, text, related activities chosen among the
// unit's activities of the campaign, photos uploaded into the package and shown as previews.
import { Alert, Button, Form, Input, Modal, Select, Space } from "antd";
import { useState } from "react";
import { useApi } from "../../api/ApiProvider";
import { unwrap, type AggregatorSchemas } from "../../api/client";
import { useI18n } from "../../i18n";
import { FilePicker } from "./FilePicker";
import { problemOf } from "./files";
import { Thumbnail } from "./Thumbnail";

export type CaseOut = AggregatorSchemas["CaseOut"];
export interface ActivityOption { value: string; label: string }

interface Props {
  campaign: string;
  editing: CaseOut | null; // null: a new case
  activities: ActivityOption[];
  activitiesLoading: boolean;
  onClose: () => void;
  onSaved: (saved: CaseOut) => void;
}

interface Values { title: string; text: string; activity_ids: string[] }

export function CaseEditor({ campaign, editing, activities, activitiesLoading, onClose, onSaved }: Props) {
  const api = useApi();
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const [photos, setPhotos] = useState<string[]>(editing?.photo_ids ?? []);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ReturnType<typeof problemOf> | null>(null);

  async function save(values: Values) {
    setSaving(true);
    setError(null);
    const body = { title: values.title, text: values.text, activity_ids: values.activity_ids ?? [], photo_ids: photos };
    try {
      const saved = editing
        ? await unwrap(api.aggregator.PUT("/v1/cases/{case_id}", { params: { path: { case_id: editing.id } }, body }))
        : await unwrap(api.aggregator.POST("/v1/campaigns/{campaign}/cases", { params: { path: { campaign } }, body }));
      onSaved(saved);
    } catch (e) {
      setError(problemOf(e));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal open title={t(editing ? "pkgCaseRevise" : "pkgCaseNew")} onCancel={onClose} width={760} destroyOnHidden
      footer={[
        <Button key="cancel" onClick={onClose}>{t("pkgCancel")}</Button>,
        <Button key="save" id="pkg-case-save" type="primary" loading={saving} onClick={() => form.submit()}>{t("pkgSave")}</Button>,
      ]}>
      <Form form={form} layout="vertical" id="pkg-case-form" onFinish={(v) => void save(v)}
        initialValues={{ title: editing?.title ?? "", text: editing?.text ?? "", activity_ids: editing?.activity_ids ?? [] }}>
        <Form.Item name="title" label={t("pkgCaseTitle")} rules={[{ required: true, whitespace: true, message: t("pkgRequired", { field: t("pkgCaseTitle") }) }, { max: 200 }]}>
          <Input id="pkg-case-title" maxLength={200} />
        </Form.Item>
        <Form.Item name="text" label={t("pkgCaseText")} rules={[{ required: true, whitespace: true, message: t("pkgRequired", { field: t("pkgCaseText") }) }]}>
          <Input.TextArea id="pkg-case-text" rows={6} maxLength={20000} showCount />
        </Form.Item>
        <Form.Item name="activity_ids" label={t("pkgCaseActivities")} extra={t("pkgCaseActivitiesHint")}>
          <Select id="pkg-case-activities" mode="multiple" options={activities} loading={activitiesLoading} optionFilterProp="label" allowClear />
        </Form.Item>
        <Form.Item label={t("pkgCasePhotos")}>
          <Space wrap align="start" id="pkg-case-photos">
            {photos.map((id) => (
              <Space key={id} direction="vertical" size={2} align="center">
                <Thumbnail fileId={id} alt={t("pkgCasePhotos")} />
                <Button size="small" type="link" danger onClick={() => setPhotos((p) => p.filter((x) => x !== id))}>{t("pkgRemovePhoto")}</Button>
              </Space>
            ))}
          </Space>
          <div style={{ marginTop: 8 }}>
            <FilePicker id="pkg-case-photo" campaign={campaign} kind="case_photo" label="pkgAddPhoto" accept="image/jpeg,image/png"
              onUploaded={(f) => setPhotos((p) => (p.includes(f.id) ? p : [...p, f.id]))} />
          </div>
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon id="pkg-case-error" message={t(error.heading)} description={error.detail} />}
    </Modal>
  );
}
