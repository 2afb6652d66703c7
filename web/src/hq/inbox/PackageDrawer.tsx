// A unit's report package in a drawer: the summary and its files (preview, download), the typical
// cases, the photos, the figures' snapshot; approve or return with a comment; every version with
// what changed between them (figures, files, cases), and the audit trail.
import { Alert, App, Button, Descriptions, Drawer, Empty, Form, Image, Input, Modal, Popconfirm, Space, Table, Tabs, Tag, Timeline, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useApi } from "../../api/ApiProvider";
import { unwrap, type AggregatorSchemas } from "../../api/client";
import { saveFile } from "../../api/download";
import { useI18n, type TextKey } from "../../i18n";
import { useAsync } from "../../useAsync";
import { ChannelTag, STATUS_COLOUR, Timeliness } from "./tags";
import { dataUrl, fileSize, useCanAct, useLabels, useWho } from "./shared";

type Submission = AggregatorSchemas["SubmissionOut"];
type Step = AggregatorSchemas["StepOut"];
type FileOut = AggregatorSchemas["FileOut"];
type CaseOut = AggregatorSchemas["CaseOut"];
const PHOTO_KINDS = new Set<FileOut["kind"]>(["photo", "case_photo"]);
const ACTION_COLOUR: Record<Step["action"], string> = { submitted: "blue", approved: "green", returned: "orange", extended: "gold" };

/** A photo: its small preview, fetched with the token; the full picture when it is opened. */
function Photo({ file }: { file: Pick<FileOut, "id" | "filename"> }) {
  const api = useApi();
  const [thumb, setThumb] = useState<string>();
  const [full, setFull] = useState<string>();
  useEffect(() => {
    let live = true;
    unwrap(api.aggregator.GET("/v1/files/{file_id}/preview", { params: { path: { file_id: file.id } }, parseAs: "blob" }))
      .then(dataUrl).then((url) => live && setThumb(url)).catch(() => undefined);
    return () => { live = false; };
  }, [api, file.id]);
  const loadFull = () => {
    if (full) return;
    unwrap(api.aggregator.GET("/v1/files/{file_id}", { params: { path: { file_id: file.id } }, parseAs: "blob" }))
      .then(dataUrl).then(setFull).catch(() => undefined);
  };
  return (
    <figure className="inbox-photo" data-file={file.id}>
      <Image width={112} height={84} style={{ objectFit: "cover" }} src={thumb} alt={file.filename}
        preview={{ src: full ?? thumb, onVisibleChange: (visible) => visible && loadFull() }} />
      <figcaption title={file.filename}>{file.filename}</figcaption>
    </figure>
  );
}

/** What the files and cases of one version added and removed against the previous one. */
function setDiff(before: readonly string[], after: readonly string[]) {
  return { added: after.filter((x) => !before.includes(x)), removed: before.filter((x) => !after.includes(x)) };
}

export function PackageDrawer({ campaign, province, onClose, onChanged }: { campaign: string; province: string; onClose: () => void; onChanged: () => void }) {
  const api = useApi();
  const { message } = App.useApp();
  const { t, beijingTime, number } = useI18n();
  const canAct = useCanAct();
  const who = useWho();
  const { unitName, metricLabel, metrics } = useLabels();
  const [returning, setReturning] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ comment: string }>();

  const loaded = useAsync(async () => {
    const path = { campaign, province };
    const [submission, files, cases] = await Promise.all([
      unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/submissions/{province}", { params: { path } })),
      unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/files", { params: { path: { campaign }, query: { province } } })),
      unwrap(api.aggregator.GET("/v1/campaigns/{campaign}/cases", { params: { path: { campaign }, query: { province } } })),
    ]);
    return { submission, files: new Map(files.items.map((f) => [f.id, f])), cases: new Map(cases.items.map((c) => [c.id, c])) };
  }, [api, campaign, province]);
  const audit = useAsync(async () => (canAct
    ? unwrap(api.aggregator.GET("/v1/audit", { params: { query: { record_id: `${campaign}|${province}` } } })) : null), [api, campaign, province, canAct]);

  const s: Submission | undefined = loaded.data?.submission;
  const files = loaded.data?.files;
  const cases = loaded.data?.cases;
  const versions = useMemo(() => (s?.history ?? []).filter((step) => step.action === "submitted"), [s]);
  const latest = versions.at(-1);
  const latestFiles = (latest?.files ?? []).map((id) => files?.get(id)).filter((f): f is FileOut => f !== undefined);
  const latestCases = (latest?.cases ?? []).map((id) => cases?.get(id)).filter((c): c is CaseOut => c !== undefined);
  const photos = [
    ...latestFiles.filter((f) => PHOTO_KINDS.has(f.kind)),
    ...latestCases.flatMap((c) => c.photo_ids).filter((id) => !latest?.files.includes(id)).map((id) => files?.get(id)).filter((f): f is FileOut => f !== undefined),
  ];
  const fileName = (id: string) => files?.get(id)?.filename ?? id;
  const caseTitle = (id: string) => cases?.get(id)?.title ?? id;

  async function download(file: FileOut) {
    try {
      await saveFile(api.aggregator.GET("/v1/files/{file_id}", { params: { path: { file_id: file.id } }, parseAs: "blob" }), file.filename);
    } catch (e) {
      message.error((e as Error).message);
    }
  }

  async function preview(file: FileOut) {
    const opened = window.open("", "_blank"); // now, while the click still counts, then filled
    try {
      const blob = await unwrap(api.aggregator.GET("/v1/files/{file_id}", { params: { path: { file_id: file.id } }, parseAs: "blob" }));
      const url = URL.createObjectURL(new Blob([blob], { type: file.media_type }));
      if (opened) opened.location.href = url;
      setTimeout(() => URL.revokeObjectURL(url), 300_000);
    } catch (e) {
      opened?.close();
      message.error((e as Error).message);
    }
  }

  async function act(call: () => Promise<unknown>, done: TextKey) {
    setBusy(true);
    try {
      await call();
      message.success(t(done));
      loaded.reload();
      audit.reload();
      onChanged();
      return true;
    } catch (e) {
      message.error((e as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  }
  const path = { campaign, province };
  const approve = () => act(() => unwrap(api.aggregator.POST("/v1/campaigns/{campaign}/submissions/{province}/approve", { params: { path }, body: {} })), "inboxApprovedOk");
  async function sendBack() {
    const values = await form.validateFields().catch(() => null); // the form shows what is missing
    if (!values) return;
    const { comment } = values;
    if (await act(() => unwrap(api.aggregator.POST("/v1/campaigns/{campaign}/submissions/{province}/return", { params: { path }, body: { comment } })), "inboxReturnedOk")) {
      setReturning(false);
      form.resetFields();
    }
  }

  const footer = canAct && s && (s.status === "submitted" || s.status === "approved") ? (
    <Space>
      {s.status === "submitted" && (
        <Popconfirm title={t("inboxApproveConfirm")} okText={t("inboxApprove")} cancelText={t("inboxCancel")} onConfirm={() => approve()} okButtonProps={{ id: "approve-confirm" }}>
          <Button type="primary" id="approve" loading={busy}>{t("inboxApprove")}</Button>
        </Popconfirm>
      )}
      <Button danger id="return" onClick={() => setReturning(true)}>{t("inboxReturn")}</Button>
    </Space>
  ) : null;

  const recordedBy = latest && latest.channel !== "sanjin" ? who(latest.by) : null;
  const packageTab = s && (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      {s.comment && <Alert type="warning" showIcon message={`${t("returned")}：${s.comment}`} />}
      {!latest && <Empty description={t("inboxNotSubmitted")} />}
      {latest && (
        <>
          <section>
            <Typography.Text strong>{t("inboxSummaryText")}</Typography.Text>
            <Typography.Paragraph id="package-summary" className="inbox-summary" ellipsis={{ rows: 6, expandable: true, symbol: "…" }}>{latest.summary}</Typography.Paragraph>
          </section>
          <section>
            <Typography.Text strong>{t("inboxFiles")}</Typography.Text>
            <Table<FileOut> id="package-files" size="small" rowKey="id" pagination={false} dataSource={latestFiles} locale={{ emptyText: t("inboxNoFiles") }}
              columns={[
                { title: t("inboxFileName"), dataIndex: "filename" },
                { title: t("inboxFileKind"), dataIndex: "kind", width: 90, render: (k: string) => <Tag>{t(`inboxKind_${k}` as TextKey)}</Tag> },
                { title: t("inboxFileSize"), dataIndex: "size", width: 80, align: "right", render: fileSize },
                { title: t("inboxActions"), key: "a", width: 120, render: (_: unknown, f) => (
                  <Space size={0}>
                    {(f.media_type === "application/pdf" || f.media_type.startsWith("image/")) && <Button type="link" size="small" onClick={() => void preview(f)}>{t("inboxPreview")}</Button>}
                    <Button type="link" size="small" onClick={() => void download(f)}>{t("inboxDownload")}</Button>
                  </Space>) },
              ]} />
          </section>
          <section id="package-cases">
            <Typography.Text strong>{t("inboxCases")}（{latestCases.length}）</Typography.Text>
            {latestCases.length === 0 ? <Typography.Paragraph type="secondary">{t("inboxNoCases")}</Typography.Paragraph> : latestCases.map((c) => (
              <div key={c.id} className="inbox-case">
                <Typography.Text strong>{c.title}</Typography.Text>
                <Typography.Paragraph ellipsis={{ rows: 4, expandable: true, symbol: "…" }} style={{ marginBottom: 4 }}>{c.text}</Typography.Paragraph>
                <div className="inbox-photos">{c.photo_ids.map((id) => files?.get(id)).filter((f): f is FileOut => f !== undefined).map((f) => <Photo key={f.id} file={f} />)}</div>
              </div>
            ))}
          </section>
          <section id="package-photos">
            <Typography.Text strong>{t("inboxPhotos")}（{photos.length}）</Typography.Text>
            {photos.length === 0 ? <Typography.Paragraph type="secondary">{t("inboxNoPhotos")}</Typography.Paragraph>
              : <Image.PreviewGroup><div className="inbox-photos">{photos.map((f) => <Photo key={f.id} file={f} />)}</div></Image.PreviewGroup>}
          </section>
        </>
      )}
    </Space>
  );

  const figuresTab = latest && (
    <Table id="package-figures" size="small" rowKey="name" pagination={false}
      dataSource={metrics.map((m) => ({ name: m.name, value: latest.snapshot?.[m.name] as number | null | undefined, change: s?.changes_since_last?.[m.name] }))}
      title={() => <Typography.Text type="secondary">{t("inboxAsOf")} {latest.as_of ? beijingTime(latest.as_of) : "–"}</Typography.Text>}
      columns={[
        { title: t("metric"), dataIndex: "name", render: (name: string) => metricLabel(name) },
        { title: t("inboxValue"), dataIndex: "value", width: 110, align: "right", render: (v: number | null | undefined) => number(v) },
        { title: t("inboxChange"), dataIndex: "change", width: 160, render: (c?: { before?: number | null; after?: number | null }) =>
          (c ? <Tag color="orange">{number(c.before)} → {number(c.after)}</Tag> : "") },
      ]} />
  );

  const historyTab = s && (
    <div id="package-history"><Timeline items={s.history.map((step, i) => {
      const n = versions.indexOf(step) + 1;
      const previous = n > 1 ? versions[n - 2] : undefined;
      const filesDiff = previous ? setDiff(previous.files, step.files) : null;
      const casesDiff = previous ? setDiff(previous.cases, step.cases) : null;
      const changed = Object.entries(step.changes ?? {});
      return {
        key: `step-${i}`, // antd takes a falsy key for none
        color: ACTION_COLOUR[step.action],
        children: (
          <div className="inbox-step" data-action={step.action}>
            <Space size={6} wrap>
              <Tag color={ACTION_COLOUR[step.action]}>{t(`inboxAction_${step.action}` as TextKey)}</Tag>
              {step.action === "submitted" && <Typography.Text strong>{t("inboxVersion", { n })}</Typography.Text>}
              <span>{beijingTime(step.at)}</span>
              <Typography.Text type="secondary">{t("inboxBy")} {who(step.by)}</Typography.Text>
              <ChannelTag channel={step.channel} />
              {step.received_at && <Typography.Text type="secondary">{t("inboxReceivedAt")} {beijingTime(step.received_at)}</Typography.Text>}
              {step.action === "submitted" && step.on_time === false && <Tag color="orange">{t("late")}</Tag>}
            </Space>
            {step.comment && <div>{t("inboxComment")}：{step.comment}</div>}
            {step.action === "extended" && <div>{t("inboxNewDeadline")} {step.deadline ? beijingTime(step.deadline) : ""}；{t("inboxReason")}：{step.reason}</div>}
            {step.action === "submitted" && (
              <div className="inbox-diff">
                {!previous ? <Typography.Text type="secondary">{t("inboxFirstVersion")}</Typography.Text> : (
                  <>
                    {changed.length === 0 ? <Typography.Text type="secondary">{t("inboxNoChange")}</Typography.Text> : (
                      <div>{t("inboxFiguresChanged")}：{changed.map(([metric, c]) => (
                        <Tag key={metric} color="orange">{metricLabel(metric)} {number(c.before as number | null)} → {number(c.after as number | null)}</Tag>))}</div>
                    )}
                    {filesDiff && filesDiff.added.length > 0 && <div>{t("inboxFilesAdded")}：{filesDiff.added.map((id) => <Tag key={id} color="green">+ {fileName(id)}</Tag>)}</div>}
                    {filesDiff && filesDiff.removed.length > 0 && <div>{t("inboxFilesRemoved")}：{filesDiff.removed.map((id) => <Tag key={id} color="red">− {fileName(id)}</Tag>)}</div>}
                    {casesDiff && casesDiff.added.length > 0 && <div>{t("inboxCasesAdded")}：{casesDiff.added.map((id) => <Tag key={id} color="green">+ {caseTitle(id)}</Tag>)}</div>}
                    {casesDiff && casesDiff.removed.length > 0 && <div>{t("inboxCasesRemoved")}：{casesDiff.removed.map((id) => <Tag key={id} color="red">− {caseTitle(id)}</Tag>)}</div>}
                  </>
                )}
              </div>
            )}
          </div>
        ),
      };
    }).reverse()} /></div>
  );

  const auditTab = audit.data && (
    <Table id="package-audit" size="small" rowKey="id" pagination={false} dataSource={audit.data.items}
      columns={[
        { title: t("inboxAt"), dataIndex: "at", width: 170, render: (at: string) => beijingTime(at) },
        { title: t("inboxActions"), dataIndex: "action" },
        { title: t("inboxBy"), key: "by", render: (_: unknown, e) => `${who(e.actor.sub)}（${e.actor.role}）` },
      ]} />
  );

  return (
    <Drawer open width={880} onClose={onClose} destroyOnHidden footer={footer} id="package"
      title={<Space size={8}>{unitName(province)}<Typography.Text type="secondary">{campaign}</Typography.Text>{s && <Tag color={STATUS_COLOUR[s.status]}>{t(s.status)}</Tag>}</Space>}>
      {loaded.error && <Alert type="error" showIcon message={t("loadFailed")} description={loaded.error.message} />}
      {s && (
        <Descriptions size="small" bordered column={3} style={{ marginBottom: 12 }} id="package-facts" styles={{ label: { whiteSpace: "nowrap" } }}>
          <Descriptions.Item label={t("deadline")}>{beijingTime(s.deadline)}{s.extended && <Tag color="gold" style={{ marginLeft: 4 }}>{t("inboxExtended")}</Tag>}</Descriptions.Item>
          <Descriptions.Item label={t("timeliness")}><Timeliness row={s} /></Descriptions.Item>
          <Descriptions.Item label={t("inboxDaysLate")}>{s.days_late}</Descriptions.Item>
          <Descriptions.Item label={t("submittedAt")}>{s.first_submitted_at ? beijingTime(s.first_submitted_at) : "–"}</Descriptions.Item>
          <Descriptions.Item label={t("inboxAttempts")}>{s.attempts}</Descriptions.Item>
          <Descriptions.Item label={t("inboxChannel")}>
            {s.channel ? <>{t(`inboxChannel_${s.channel}` as TextKey)}{recordedBy && <Typography.Text type="secondary" id="recorded-by">（{t("inboxRecordedBy", { by: recordedBy })}）</Typography.Text>}</> : "–"}
          </Descriptions.Item>
          <Descriptions.Item label={t("inboxApprovedAt")}>{s.approved_at ? beijingTime(s.approved_at) : "–"}</Descriptions.Item>
          <Descriptions.Item label={t("inboxAsOf")} span={2}>{latest?.as_of ? beijingTime(latest.as_of) : "–"}</Descriptions.Item>
        </Descriptions>
      )}
      {s && (
        <Tabs size="small" items={[
          { key: "package", label: t("inboxPackage"), children: packageTab },
          ...(latest ? [{ key: "figures", label: t("inboxFigures"), children: figuresTab }] : []),
          { key: "history", label: `${t("inboxHistory")}（${versions.length}）`, children: historyTab },
          ...(audit.data ? [{ key: "audit", label: t("inboxAudit"), children: auditTab }] : []),
        ]} />
      )}
      <Modal open={returning} title={t("inboxReturnTitle", { unit: unitName(province) })} onCancel={() => setReturning(false)} onOk={() => void sendBack()}
        okText={t("inboxReturn")} cancelText={t("inboxCancel")} okButtonProps={{ danger: true, id: "return-save", loading: busy }}>
        <Typography.Paragraph type="secondary">{t("inboxReturnHint")}</Typography.Paragraph>
        <Form form={form} layout="vertical">
          <Form.Item name="comment" label={t("inboxComment")} rules={[{ required: true, whitespace: true, message: t("inboxCommentRequired") }]}>
            <Input.TextArea id="return-comment" rows={4} maxLength={2000} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </Drawer>
  );
}
