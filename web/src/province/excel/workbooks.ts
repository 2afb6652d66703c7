// The record types a province brings in and takes out as Excel workbooks, declared once for the
// Excel page: each one's template, import (check first with dry_run, then commit) and export, all
// through the services' own endpoints (the same a provincial system calls).
import type { Api } from "../../api/client";
import { unwrap } from "../../api/client";
import { saveFile } from "../../api/download";
import type { components } from "../../api/generated/events";
import type { TextKey } from "../../i18n";

export type ImportReport = components["schemas"]["WorkbookImport"];

export interface Choice {
  value: string;
  label: string;
}

export interface WorkbookType {
  key: string;
  label: TextKey;
  /** the record the rows belong to (an inspection session, a survey), chosen before anything else */
  parent?: { label: TextKey; choices: (api: Api, campaign: string) => Promise<Choice[]> };
  template: (api: Api, parent: string) => Promise<string>;
  upload: (api: Api, file: File, dryRun: boolean, parent: string) => Promise<ImportReport>;
  export?: (api: Api, campaign: string) => Promise<string>;
}

/** The multipart body of an import: the file under `file`. */
function multipart(file: File) {
  return {
    body: { file: file.name },
    bodySerializer: () => {
      const form = new FormData();
      form.append("file", file);
      return form;
    },
  };
}

const XLSX = { parseAs: "blob" as const };
const PAGE = 200;

export const WORKBOOKS: readonly WorkbookType[] = [
  {
    key: "activities",
    label: "excelActivities",
    template: (api) => saveFile(api.events.GET("/v1/activities/template.xlsx", XLSX), "宣传教育活动导入模板.xlsx"),
    upload: (api, file, dryRun) =>
      unwrap(api.events.POST("/v1/activities:import", { params: { query: { dry_run: dryRun } }, ...multipart(file) })),
    export: (api, campaign) =>
      saveFile(api.events.GET("/v1/activities/export.xlsx", { params: { query: { campaign } }, ...XLSX }), "宣传教育活动.xlsx"),
  },
  {
    key: "points",
    label: "excelPoints",
    template: (api) =>
      saveFile(api.riskMonitoring.GET("/v1/monitoring-points/template.xlsx", XLSX), "风险信息监测点导入模板.xlsx"),
    upload: (api, file, dryRun) =>
      unwrap(api.riskMonitoring.POST("/v1/monitoring-points:import", { params: { query: { dry_run: dryRun } }, ...multipart(file) })),
    export: (api, campaign) =>
      saveFile(api.riskMonitoring.GET("/v1/monitoring-points/export.xlsx", { params: { query: { campaign } }, ...XLSX }), "风险信息监测点.xlsx"),
  },
  {
    key: "riskReports",
    label: "excelRiskReports",
    template: (api) => saveFile(api.riskMonitoring.GET("/v1/risk-reports/template.xlsx", XLSX), "风险信息导入模板.xlsx"),
    upload: (api, file, dryRun) =>
      unwrap(api.riskMonitoring.POST("/v1/risk-reports:import", { params: { query: { dry_run: dryRun } }, ...multipart(file) })),
    export: (api, campaign) =>
      saveFile(api.riskMonitoring.GET("/v1/risk-reports/export.xlsx", { params: { query: { campaign } }, ...XLSX }), "风险信息.xlsx"),
  },
  {
    key: "results",
    label: "excelResults",
    parent: {
      label: "excelResultsParent",
      choices: async (api, campaign) => {
        const page = await unwrap(api.inspection.GET("/v1/inspection-sessions", { params: { query: { campaign, limit: PAGE } } }));
        return page.items.map((s) => ({ value: s.id, label: `${s.date} ${s.venue_name}（${s.institution}）` }));
      },
    },
    template: (api) =>
      saveFile(api.inspection.GET("/v1/inspection-results/template.xlsx", XLSX), "检测鉴别结果导入模板.xlsx"),
    upload: (api, file, dryRun, session_id) =>
      unwrap(api.inspection.POST("/v1/inspection-sessions/{session_id}/results:import", {
        params: { path: { session_id }, query: { dry_run: dryRun } },
        ...multipart(file),
      })),
    export: (api, campaign) =>
      saveFile(api.inspection.GET("/v1/inspection-results/export.xlsx", { params: { query: { campaign } }, ...XLSX }), "检测鉴别结果.xlsx"),
  },
  {
    key: "responses",
    label: "excelResponses",
    parent: {
      label: "excelResponsesParent",
      choices: async (api, campaign) => {
        const page = await unwrap(api.survey.GET("/v1/surveys", { params: { query: { campaign, limit: PAGE } } }));
        return page.items.map((s) => ({ value: s.id, label: s.title }));
      },
    },
    template: (api, survey_id) =>
      saveFile(api.survey.GET("/v1/surveys/{survey_id}/responses/template.xlsx", { params: { path: { survey_id } }, ...XLSX }), "满意度调查问卷录入模板.xlsx"),
    upload: (api, file, dryRun, survey_id) =>
      unwrap(api.survey.POST("/v1/surveys/{survey_id}/responses:import", {
        params: { path: { survey_id }, query: { dry_run: dryRun } },
        ...multipart(file),
      })),
  },
];
