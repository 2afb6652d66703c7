// One record type on the Excel page: choose the session or survey the rows belong to (where there
// is one), download the template, upload a workbook (checked first with dry_run: the problems at
// sheet, row and column, and what an import would do), import it, and read the import report.
import { Alert, Button, Col, Row, Select, Space, Statistic, Table, Typography, Upload } from "antd";
import { useState } from "react";
import { useApi } from "../../api/ApiProvider";
import { ApiError } from "../../api/client";
import { useI18n } from "../../i18n";
import { useAsync } from "../../useAsync";
import type { ImportReport, WorkbookType } from "./workbooks";

type RowError = ImportReport["errors"][number];
type Missing = ImportReport["missing"][number];

function ProblemAlert({ error }: { error: Error }) {
  const details = error instanceof ApiError ? (error.problem?.errors ?? []) : [];
  return (
    <Alert type="error" showIcon message={error.message} className="excel-problem"
      description={details.length > 0 && <ul style={{ margin: 0, paddingLeft: 20 }}>{details.map((d, i) => <li key={i}>{d.message}</li>)}</ul>} />
  );
}

function ErrorsTable({ errors }: { errors: RowError[] }) {
  const { t } = useI18n();
  return (
    <Table<RowError> className="excel-errors" size="small" bordered rowKey={(e) => `${e.sheet}|${e.row}|${e.column}|${e.message}`}
      dataSource={errors} pagination={errors.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      title={() => <strong>{t("excelErrorsTitle")}</strong>}
      columns={[
        { title: t("excelSheet"), dataIndex: "sheet", width: 160 },
        { title: t("excelRow"), dataIndex: "row", width: 72, align: "right" },
        { title: t("excelColumn"), key: "column", width: 200, render: (_, e) => (e.column ? `${e.column}（${e.title}）` : e.title || "–") },
        { title: t("excelProblem"), dataIndex: "message" },
      ]} />
  );
}

function MissingTable({ missing }: { missing: Missing[] }) {
  const { t } = useI18n();
  if (missing.length === 0) return null;
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Alert type="info" showIcon message={`${t("excelMissing")}：${missing.length}`} description={t("excelMissingHint")} />
      <Table<Missing> className="excel-missing" size="small" bordered rowKey="id" dataSource={missing}
        pagination={missing.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
        columns={[{ title: t("excelExternalId"), dataIndex: "external_id" }, { title: t("excelRecordId"), dataIndex: "id" }]} />
    </Space>
  );
}

export function WorkbookPanel({ type, campaign }: { type: WorkbookType; campaign: string | null }) {
  const api = useApi();
  const { t, number } = useI18n();
  const [parent, setParent] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [check, setCheck] = useState<ImportReport | null>(null);
  const [done, setDone] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState<"check" | "commit" | "download" | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const choices = useAsync(async () => (type.parent && campaign ? type.parent.choices(api, campaign) : []), [api, type, campaign]);
  const ready = !type.parent || parent !== null;

  async function run<T>(what: "check" | "commit" | "download", work: () => Promise<T>): Promise<T | undefined> {
    setBusy(what);
    setError(null);
    try {
      return await work();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
      return undefined;
    } finally {
      setBusy(null);
    }
  }

  async function checkFile(chosen: File) {
    setFile(chosen);
    setCheck(null);
    setDone(null);
    const report = await run("check", () => type.upload(api, chosen, true, parent ?? ""));
    if (report) setCheck(report);
  }

  async function commit() {
    if (!file) return;
    const report = await run("commit", () => type.upload(api, file, false, parent ?? ""));
    if (report) {
      setDone(report);
      setCheck(null);
    }
  }

  function reset() {
    setFile(null);
    setCheck(null);
    setDone(null);
    setError(null);
  }

  const importable = check ? check.rows - check.rejected : 0;
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} className="excel-panel" data-workbook={type.key}>
      <Space wrap>
        {type.parent && (
          <Select style={{ minWidth: 320 }} placeholder={`${t("excelParent")}${t(type.parent.label)}`} loading={choices.loading}
            value={parent ?? undefined} onChange={(v: string) => { setParent(v); reset(); }}
            options={choices.data ?? []} showSearch optionFilterProp="label" id={`excel-parent-${type.key}`} />
        )}
        <Button type="primary" ghost disabled={!ready} loading={busy === "download"} id={`excel-template-${type.key}`}
          onClick={() => void run("download", () => type.template(api, parent ?? ""))}>{t("excelTemplate")}</Button>
        {type.export && (
          <Button disabled={!campaign} id={`excel-export-${type.key}`}
            onClick={() => void run("download", () => type.export!(api, campaign ?? ""))}>{t("excelExport")}</Button>
        )}
      </Space>
      <Upload.Dragger accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" multiple={false} showUploadList={false}
        disabled={!ready || busy === "check" || busy === "commit"} id={`excel-upload-${type.key}`}
        beforeUpload={(chosen) => { void checkFile(chosen); return false; }}>
        <p className="ant-upload-drag-icon excel-drop-icon" aria-hidden>⇪</p>
        <p className="ant-upload-text">{ready ? t("excelUpload") : `${t("excelParentFirst")}${type.parent ? t(type.parent.label) : ""}`}</p>
        <p className="ant-upload-hint">{busy === "check" ? t("excelChecking") : busy === "commit" ? t("excelImporting") : t("excelUploadHint")}</p>
      </Upload.Dragger>
      {error && <ProblemAlert error={error} />}
      {check && file && (
        <div className="excel-check">
          <Typography.Title level={5} style={{ marginTop: 0 }}>{t("excelCheckTitle", { file: file.name })}</Typography.Title>
          <Alert type={check.rejected ? "warning" : "success"} showIcon style={{ marginBottom: 12 }}
            message={check.rejected ? t("excelCheckErrors", { rows: check.rows, rejected: check.rejected }) : t("excelCheckOk", { rows: check.rows })} />
          <Row gutter={16} style={{ marginBottom: 12 }}>
            <Col span={4}><Statistic title={t("excelRows")} value={number(check.rows)} /></Col>
            <Col span={4}><Statistic title={t("excelWillCreate")} value={number(check.created)} /></Col>
            <Col span={4}><Statistic title={t("excelWillUpdate")} value={number(check.updated)} /></Col>
            <Col span={4}><Statistic title={t("excelUnchanged")} value={number(check.ignored)} /></Col>
            <Col span={4}><Statistic title={t("excelRejected")} value={number(check.rejected)} valueStyle={check.rejected ? { color: "#cf1322" } : undefined} /></Col>
          </Row>
          {check.errors.length > 0 && <ErrorsTable errors={check.errors} />}
          <div style={{ marginTop: 12 }}><MissingTable missing={check.missing} /></div>
          <Space style={{ marginTop: 12 }}>
            <Button type="primary" onClick={() => void commit()} loading={busy === "commit"} disabled={importable === 0} className="excel-commit">{t("excelCommit")}</Button>
            <Button onClick={reset}>{t("excelReset")}</Button>
          </Space>
        </div>
      )}
      {done && file && (
        <div className="excel-report">
          <Alert type="success" showIcon message={t("excelDoneTitle", { file: file.name })} style={{ marginBottom: 12 }} />
          <Row gutter={16} style={{ marginBottom: 12 }}>
            <Col span={5}><Statistic title={t("excelCreated")} value={number(done.created)} /></Col>
            <Col span={5}><Statistic title={t("excelUpdated")} value={number(done.updated)} /></Col>
            <Col span={5}><Statistic title={t("excelUnchanged")} value={number(done.ignored)} /></Col>
            <Col span={5}><Statistic title={t("excelMissing")} value={number(done.missing.length)} /></Col>
            {done.rejected > 0 && <Col span={4}><Statistic title={t("excelRejected")} value={number(done.rejected)} valueStyle={{ color: "#cf1322" }} /></Col>}
          </Row>
          {done.errors.length > 0 && <ErrorsTable errors={done.errors} />}
          <MissingTable missing={done.missing} />
          <Typography.Paragraph style={{ marginTop: 12, marginBottom: 0 }}><Button onClick={reset}>{t("excelReset")}</Button></Typography.Paragraph>
        </div>
      )}
    </Space>
  );
}
