// The report package (报送材料): the summary document, the typical cases with their photos, other
// photos and attachments, what the submission will contain, and submitting it with the snapshot
// of the unit's figures. A returned package shows headquarters' comment and is submitted again;
// an approved one is read only.
import { Alert, Button, Card, Descriptions, Empty, Input, List, Modal, Select, Space, Tag, Typography } from "antd";
import { useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { useApi } from "../../api/ApiProvider";
import { unwrap, type AggregatorSchemas } from "../../api/client";
import type { components as EventsComponents } from "../../api/generated/events";
import { useAuth } from "../../auth/AuthProvider";
import { currentCampaign } from "../../campaigns";
import { useI18n, type TextKey } from "../../i18n";
import { useAsync } from "../../useAsync";
import { useUnitName } from "../useUnitName";
import { CaseEditor, type ActivityOption, type CaseOut } from "./CaseEditor";
import { FilePicker } from "./FilePicker";
import { downloadFile, fileBlob, humanSize, problemOf, type FileOut } from "./files";
import { Thumbnail } from "./Thumbnail";

type Submission = AggregatorSchemas["SubmissionOut"];
type EventsSchemas = EventsComponents["schemas"];
const STATUS_COLOR: Record<Submission["status"], string> = { missing: "default", submitted: "blue", approved: "green", returned: "red" };
const OFFICE = ".docx,.pdf,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const IMAGES = "image/jpeg,image/png";
const ANY = `${OFFICE},.xlsx,${IMAGES}`;

function newestFirst(a: FileOut, b: FileOut): number {
  return b.uploaded_at.localeCompare(a.uploaded_at);
}

export default function PackagePage() {
  const api = useApi();
  const { t, beijingTime } = useI18n();
  const { identity } = useAuth();
  const province = identity?.province ?? "";
  const unit = useUnitName(province);
  const [params, setParams] = useSearchParams();
  const campaigns = useAsync(() => unwrap(api.aggregator.GET("/v1/campaigns")), [api]);
  const campaign = params.get("campaign") ?? currentCampaign(campaigns.data?.items ?? [])?.campaign ?? null;

  const pkg = useAsync(async () => {
    if (!campaign || !province) return null;
    const path = { params: { path: { campaign } } };
    const [files, cases, submission] = await Promise.all([
      unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/files", path)),
      unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/cases", path)),
      unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/submissions/{province}", { params: { path: { campaign, province } } })),
    ]);
    return { files: files.items, cases: cases.items, submission };
  }, [api, campaign, province]);

  const activities = useAsync(async () => {
    if (!campaign || !province) return [];
    const options: ActivityOption[] = [];
    let cursor: string | null | undefined = undefined;
    do {
      const page: EventsSchemas["ActivityList"] = await unwrap(api.events.GET("/v1/activities", { params: { query: { campaign, province, limit: 500, cursor } } }));
      options.push(...page.items.map((a) => ({ value: a.id, label: `${a.title}（${a.venue_name}，${a.scheduled_on}）` })));
      cursor = page.next_cursor;
    } while (cursor);
    return options;
  }, [api, campaign, province]);

  const [editing, setEditing] = useState<CaseOut | "new" | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const files = useMemo(() => [...(pkg.data?.files ?? [])].sort(newestFirst), [pkg.data]);
  const summaries = files.filter((f) => f.kind === "summary");
  const summary = summaries[0] ?? null;
  const photos = files.filter((f) => f.kind === "photo");
  const attachments = files.filter((f) => f.kind === "attachment");
  const cases = pkg.data?.cases ?? [];
  const submission = pkg.data?.submission ?? null;
  const locked = submission?.status === "approved";
  const activityLabel = useMemo(() => new Map((activities.data ?? []).map((a) => [a.value, a.label])), [activities.data]);
  // what a submission names: the newest summary, the cases with their photos, the other photos
  // and the attachments
  const contents = {
    files: [...new Set([...(summary ? [summary.id] : []), ...cases.flatMap((c) => c.photo_ids), ...photos.map((f) => f.id), ...attachments.map((f) => f.id)])],
    cases: cases.map((c) => c.id),
  };

  function uploaded(file: FileOut) {
    setNotice(t("pkgUploaded", { name: file.filename }));
    pkg.reload();
  }

  if (!campaigns.loading && !campaign) {
    return <div id="province-package"><Empty description={t("pkgNoCampaign")} /></div>;
  }

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} id="province-package">
      <Space wrap style={{ justifyContent: "space-between", width: "100%" }}>
        <Typography.Title level={3} style={{ margin: 0 }}>{unit ?? province} · {t("pkgTitle")}</Typography.Title>
        <Space>
          <label htmlFor="pkg-campaign">{t("pkgCampaign")}</label>
          <Select id="pkg-campaign" style={{ width: 200 }} value={campaign} loading={campaigns.loading}
            options={(campaigns.data?.items ?? []).map((c) => ({ value: c.campaign, label: c.campaign }))}
            onChange={(value: string) => setParams({ campaign: value })} />
        </Space>
      </Space>

      {pkg.error && <Alert type="error" showIcon message={t("loadFailed")} description={problemOf(pkg.error).detail}
        action={<Button onClick={pkg.reload}>{t("retry")}</Button>} />}

      {submission?.status === "returned" && (
        <Alert id="pkg-returned" type="error" showIcon message={<Typography.Text strong>{t("pkgReturnedTitle")}</Typography.Text>}
          description={<Space direction="vertical"><Typography.Paragraph id="pkg-hq-comment" style={{ fontSize: 16, margin: 0, whiteSpace: "pre-wrap" }}>{submission.comment}</Typography.Paragraph><span>{t("pkgReturnedHint")}</span></Space>} />
      )}
      {locked && <Alert id="pkg-approved" type="success" showIcon message={t("pkgApprovedTitle")} description={t("pkgApprovedHint")} />}
      {notice && <Alert type="success" showIcon closable message={notice} onClose={() => setNotice(null)} id="pkg-notice" />}

      <Card id="pkg-status" size="small" loading={pkg.loading && !pkg.data}>
        {submission && (
          <Descriptions column={3} size="small">
            <Descriptions.Item label={t("pkgStatus")}>
              <Tag id="pkg-status-tag" color={STATUS_COLOR[submission.status]}>{t(submission.status)}</Tag>
              {submission.attempts > 0 && <Typography.Text type="secondary">{t("pkgAttempts", { n: submission.attempts })}</Typography.Text>}
            </Descriptions.Item>
            {submission.submitted_at && <Descriptions.Item label={t("pkgSubmittedAt")}>{beijingTime(submission.submitted_at)}</Descriptions.Item>}
            <Descriptions.Item label={t("deadline")}>{beijingTime(submission.deadline)}</Descriptions.Item>
          </Descriptions>
        )}
      </Card>

      <Card id="pkg-summary" title={t("pkgSummary")} loading={pkg.loading && !pkg.data}>
        <Space direction="vertical" style={{ width: "100%" }}>
          <Typography.Text type="secondary">{t("pkgSummaryHint")}</Typography.Text>
          {summary ? <FileRow file={summary} primary /> : <Typography.Text type="warning">{t("pkgSummaryNone")}</Typography.Text>}
          {campaign && !locked && (
            <FilePicker id="pkg-summary-upload" campaign={campaign} kind="summary" accept={OFFICE}
              label={summary ? "pkgReplaceSummary" : "pkgUploadSummary"} onUploaded={uploaded} />
          )}
          {summaries.length > 1 && (
            <details>
              <summary>{t("pkgEarlierVersions")}（{summaries.length - 1}）</summary>
              {summaries.slice(1).map((f) => <FileRow key={f.id} file={f} />)}
            </details>
          )}
        </Space>
      </Card>

      <Card id="pkg-cases" title={t("pkgCases")} loading={pkg.loading && !pkg.data}
        extra={!locked && <Button id="pkg-add-case" type="primary" ghost onClick={() => setEditing("new")}>{t("pkgAddCase")}</Button>}>
        {cases.length === 0 ? <Typography.Text type="secondary">{t("pkgCasesNone")}</Typography.Text> : (
          <List itemLayout="vertical" dataSource={cases} renderItem={(c) => (
            <List.Item key={c.id} className="pkg-case" data-case={c.id}
              extra={!locked && <Button className="pkg-edit-case" onClick={() => setEditing(c)}>{t("pkgEditCase")}</Button>}>
              <List.Item.Meta title={<Space>{c.title}<Tag>{t("pkgCaseVersion", { n: c.version })}</Tag></Space>}
                description={c.activity_ids.length > 0 && `${t("pkgCaseActivities")}：${c.activity_ids.map((id) => activityLabel.get(id) ?? id).join("；")}`} />
              <Typography.Paragraph ellipsis={{ rows: 3, expandable: true }} style={{ whiteSpace: "pre-wrap" }}>{c.text}</Typography.Paragraph>
              <Space wrap>{c.photo_ids.map((id) => <Thumbnail key={id} fileId={id} alt={c.title} />)}</Space>
            </List.Item>
          )} />
        )}
      </Card>

      <Card id="pkg-photos" title={t("pkgPhotos")} loading={pkg.loading && !pkg.data}>
        <Space direction="vertical" style={{ width: "100%" }}>
          <Typography.Text type="secondary">{t("pkgPhotosHint")}</Typography.Text>
          {photos.length === 0 ? <Typography.Text type="secondary">{t("pkgPhotosNone")}</Typography.Text> : (
            <Space wrap align="start">
              {photos.map((f) => (
                <Space key={f.id} direction="vertical" size={2} align="center" style={{ width: 120 }}>
                  <Thumbnail fileId={f.id} alt={f.filename} />
                  <Typography.Text ellipsis style={{ maxWidth: 120 }} title={f.filename}>{f.filename}</Typography.Text>
                  <DownloadButton file={f} />
                </Space>
              ))}
            </Space>
          )}
          {campaign && !locked && <FilePicker id="pkg-photo-upload" campaign={campaign} kind="photo" accept={IMAGES} label="pkgUploadPhoto" onUploaded={uploaded} />}
        </Space>
      </Card>

      <Card id="pkg-attachments" title={t("pkgAttachments")} loading={pkg.loading && !pkg.data}>
        <Space direction="vertical" style={{ width: "100%" }}>
          <Typography.Text type="secondary">{t("pkgAttachmentsHint")}</Typography.Text>
          {attachments.length === 0 ? <Typography.Text type="secondary">{t("pkgAttachmentsNone")}</Typography.Text> : attachments.map((f) => <FileRow key={f.id} file={f} />)}
          {campaign && !locked && <FilePicker id="pkg-attachment-upload" campaign={campaign} kind="attachment" accept={ANY} label="pkgUploadAttachment" onUploaded={uploaded} />}
        </Space>
      </Card>

      <Card id="pkg-contents" title={t(locked ? "pkgContentsSent" : "pkgContents")}>
        <Space direction="vertical" style={{ width: "100%" }}>
          <Contents summary={summary} cases={cases.length} photos={photos.length} attachments={attachments.length} />
          {!locked && submission && (
            <Button id="pkg-submit" type="primary" size="large" onClick={() => setConfirming(true)}>
              {t(submission.attempts > 0 ? "pkgResubmit" : "pkgSubmit")}
            </Button>
          )}
        </Space>
      </Card>

      {editing && campaign && (
        <CaseEditor campaign={campaign} editing={editing === "new" ? null : editing} activities={activities.data ?? []} activitiesLoading={activities.loading}
          onClose={() => setEditing(null)}
          onSaved={() => { setEditing(null); setNotice(t("pkgSaved")); pkg.reload(); }} />
      )}
      {confirming && campaign && (
        <SubmitDialog campaign={campaign} province={province} unit={unit ?? province} summary={summary} contents={contents}
          counts={{ cases: cases.length, photos: photos.length, attachments: attachments.length }}
          onClose={() => setConfirming(false)}
          onSubmitted={() => { setConfirming(false); setNotice(t("pkgSubmitted")); pkg.reload(); }} />
      )}
    </Space>
  );
}

function Contents({ summary, cases, photos, attachments }: { summary: FileOut | null; cases: number; photos: number; attachments: number }) {
  const { t } = useI18n();
  const lines: { key: TextKey; values?: Record<string, string | number>; missing?: boolean }[] = [
    summary ? { key: "pkgContentSummary", values: { name: summary.filename } } : { key: "pkgContentSummaryMissing", missing: true },
    { key: "pkgContentCases", values: { n: cases } },
    { key: "pkgContentPhotos", values: { n: photos } },
    { key: "pkgContentAttachments", values: { n: attachments } },
  ];
  return (
    <ul className="pkg-contents-list" style={{ margin: 0, paddingInlineStart: 20 }}>
      {lines.map((l) => <li key={l.key}><Typography.Text type={l.missing ? "warning" : undefined}>{t(l.key, l.values)}</Typography.Text></li>)}
    </ul>
  );
}

function DownloadButton({ file }: { file: FileOut }) {
  const api = useApi();
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <Button size="small" type="link" className="pkg-download" onClick={() => downloadFile(api, file).catch((e: unknown) => setError(problemOf(e).detail))}>{t("pkgDownload")}</Button>
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
    </>
  );
}

function FileRow({ file, primary }: { file: FileOut; primary?: boolean }) {
  const api = useApi();
  const { t, beijingTime } = useI18n();
  async function open() {
    const popup = window.open("", "_blank"); // opened in the click, before the await (no popup blocker)
    const url = URL.createObjectURL(await fileBlob(api, file.id));
    if (popup) popup.location.href = url;
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
  return (
    <Space wrap className="pkg-file" data-file={file.id} data-kind={file.kind}>
      <Typography.Text strong={primary} className="pkg-file-name">{file.filename}</Typography.Text>
      <Typography.Text type="secondary">{humanSize(file.size)} · {t("pkgUploadedAt", { at: beijingTime(file.uploaded_at) })}</Typography.Text>
      <DownloadButton file={file} />
      {file.media_type === "application/pdf" && <Button size="small" type="link" onClick={() => void open()}>{t("pkgOpen")}</Button>}
    </Space>
  );
}

interface SubmitProps {
  campaign: string;
  province: string;
  unit: string;
  summary: FileOut | null;
  contents: { files: string[]; cases: string[] };
  counts: { cases: number; photos: number; attachments: number };
  onClose: () => void;
  onSubmitted: (s: Submission) => void;
}

/** The confirmation before submitting: what will be sent, and the figures' snapshot as it
 * stands now (the service takes the same row at the moment of submission). */
function SubmitDialog({ campaign, province, unit, summary, contents, counts, onClose, onSubmitted }: SubmitProps) {
  const api = useApi();
  const { t, lang, number } = useI18n();
  const [note, setNote] = useState(() => t("pkgNoteDefault", { unit, campaign }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof problemOf> | null>(null);
  const figures = useAsync(async () => {
    const [row, reference] = await Promise.all([
      unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/statistics/{province}", { params: { path: { campaign, province } } })),
      unwrap(api.aggregator.GET("/v1/reference")),
    ]);
    const metrics = row.metrics as Record<string, number | null>;
    return reference.metrics.map((m) => ({ name: m.name, label: lang === "zh" ? m.label_zh : m.label_en, value: metrics[m.name] ?? null }));
  }, [api, campaign, province, lang]);

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      onSubmitted(await unwrap(api.aggregator.POST("/v1/campaigns/{campaign}/submissions", {
        params: { path: { campaign } },
        body: { summary: note, files: contents.files, cases: contents.cases },
      })));
    } catch (e) {
      setError(problemOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal open title={t("pkgConfirmTitle")} width={760} onCancel={onClose}
      footer={[
        <Button key="cancel" onClick={onClose}>{t("pkgCancel")}</Button>,
        <Button key="ok" id="pkg-confirm-submit" type="primary" loading={busy} disabled={!note.trim() || figures.loading} onClick={() => void submit()}>{t("pkgConfirm")}</Button>,
      ]}>
      <Space direction="vertical" style={{ width: "100%" }} id="pkg-confirm">
        {!summary && <Alert type="warning" showIcon message={t("pkgNoSummaryWarning")} />}
        <Typography.Text strong>{t("pkgContents")}</Typography.Text>
        <Contents summary={summary} {...counts} />
        <Typography.Text strong>{t("pkgSnapshot")}</Typography.Text>
        <Typography.Text type="secondary">{t("pkgConfirmText")}</Typography.Text>
        {figures.error ? <Alert type="error" showIcon message={t("loadFailed")} description={problemOf(figures.error).detail} /> : (
          <Descriptions id="pkg-snapshot" bordered size="small" column={2}>
            {(figures.data ?? []).map((m) => (
              <Descriptions.Item key={m.name} label={m.label}><span data-metric={m.name}>{number(m.value)}</span></Descriptions.Item>
            ))}
          </Descriptions>
        )}
        <label htmlFor="pkg-note"><Typography.Text strong>{t("pkgNote")}</Typography.Text></label>
        <Input.TextArea id="pkg-note" rows={3} maxLength={20000} value={note} onChange={(e) => setNote(e.target.value)} />
        {error && <Alert type="error" showIcon id="pkg-submit-error" message={t(error.heading)} description={error.detail} />}
      </Space>
    </Modal>
  );
}
