// The record types of the province workspace, declared once: which service, which list, which
// columns come first, which filters, which operations (by their OpenAPI operation id) on a row in
// which state. Labels, inputs, enumerations and rules come from the services' OpenAPI schemas.
import type { TextKey } from "../i18n";
import type { ServiceName } from "./schema";

export type Row = Record<string, unknown> & { id: string };

export interface Action {
  /** the operation's id in the service's OpenAPI document */
  op: string;
  label: TextKey;
  /** the row states the domain allows it in (default: always) */
  when?: (row: Row) => boolean;
  /** "form": a form of the operation's body; "confirm": no body, a confirmation; "details": the row */
  kind?: "form" | "confirm" | "details" | "results";
  /** the body's fields in this order (default: all) */
  fields?: readonly string[];
  /** body fields the row's kind does not take (the domain would refuse them) */
  hide?: (row: Row) => readonly string[];
  /** a change (PATCH): the form starts from the row's values */
  prefill?: boolean;
  danger?: boolean;
  /** a create (an Idempotency-Key is sent, so a retried request creates once) */
  creates?: boolean;
}

export interface Filter {
  /** the list operation's query parameter(s): one, or a from/to pair */
  param: string;
  to?: string;
  /** the row field whose label the filter shows */
  field: string;
}

export interface RecordType {
  key: string;
  label: TextKey;
  service: ServiceName;
  list: string;
  /** the schema of a row of the list */
  row: string;
  columns: readonly string[];
  filters: readonly Filter[];
  create?: Action;
  actions: readonly Action[];
  /** lists of records under a row (a session's bookings and results), the row's id in their paths */
  children?: readonly RecordType[];
}

/** fields every create form leaves to the page: the campaign (the page's), the province (the
 * token's), the external id (the workbooks' key) */
export const PAGE_FILLED = ["campaign", "province", "external_id"] as const;

const is = (...states: string[]) => (row: Row) => states.includes(String(row.status));
const seminarsOnly = (row: Row) => (row.kind === "seminar" ? [] : ["recommendations"]);
const details = (op: string): Action => ({ op, label: "recDetails", kind: "details" });

export const RECORD_TYPES: readonly RecordType[] = [
  {
    key: "activities",
    label: "recActivities",
    service: "events",
    list: "activities-list",
    row: "ActivityOut",
    columns: ["title", "kind", "venue_type", "venue_name", "city", "county", "scheduled_on", "status", "report.participants"],
    filters: [
      { param: "kind", field: "kind" },
      { param: "venue_type", field: "venue_type" },
      { param: "status", field: "status" },
      { param: "scheduled_from", to: "scheduled_to", field: "scheduled_on" },
    ],
    create: { op: "activities-schedule", label: "recScheduleActivity", creates: true },
    actions: [
      { op: "activities-report", label: "recReport", when: is("scheduled"), hide: seminarsOnly },
      { op: "activities-report", label: "recCorrectReport", when: is("completed"), prefill: true, hide: seminarsOnly },
      { op: "activities-cancel", label: "recCancel", when: is("scheduled", "completed"), danger: true },
      details("activities-get"),
    ],
  },
  {
    key: "monitoring-points",
    label: "recPoints",
    service: "risk_monitoring",
    list: "monitoring-points-list",
    row: "PointOut",
    columns: ["name", "venue_type", "city", "county", "host_organization", "established_on", "status", "latest_evaluation.score"],
    filters: [
      { param: "venue_type", field: "venue_type" },
      { param: "status", field: "status" },
    ],
    create: { op: "monitoring-points-register", label: "recRegisterPoint", creates: true },
    actions: [
      { op: "monitoring-points-evaluate", label: "recEvaluate", when: is("active"), creates: true },
      { op: "monitoring-points-update", label: "recUpdate", when: is("active"), prefill: true },
      { op: "monitoring-points-deactivate", label: "recDeactivate", when: is("active"), danger: true },
      { op: "monitoring-points-reactivate", label: "recReactivate", when: is("inactive"), kind: "confirm" },
      details("monitoring-points-get"),
    ],
  },
  {
    key: "risk-reports",
    label: "recRiskReports",
    service: "risk_monitoring",
    list: "risk-reports-list",
    row: "ReportOut",
    columns: ["occurred_on", "product_category", "product_name", "brand", "model", "hazard_type", "severity", "risk_level"],
    filters: [
      { param: "product_category", field: "product_category" },
      { param: "hazard_type", field: "hazard_type" },
      { param: "risk_level", field: "risk_level" },
      { param: "occurred_from", to: "occurred_to", field: "occurred_on" },
    ],
    create: { op: "risk-reports-submit", label: "recSubmitReport", creates: true },
    actions: [details("risk-reports-get")],
  },
  {
    key: "inspection-sessions",
    label: "recSessions",
    service: "inspection",
    list: "inspection-sessions-list",
    row: "SessionOut",
    columns: ["date", "institution", "venue_type", "venue_name", "services", "capacity", "confirmed", "waitlisted", "results", "status"],
    filters: [
      { param: "venue_type", field: "venue_type" },
      { param: "service", field: "services" },
      { param: "status", field: "status" },
      { param: "date_from", to: "date_to", field: "date" },
    ],
    create: { op: "inspection-sessions-schedule", label: "recScheduleSession", creates: true },
    actions: [
      { op: "bookings-create", label: "recBook", when: is("scheduled"), creates: true },
      { op: "inspection-results-record", label: "recRecordResult", when: is("scheduled"), creates: true },
      { op: "inspection-sessions-update", label: "recUpdate", when: is("scheduled"), prefill: true },
      { op: "inspection-sessions-cancel", label: "recCancel", when: is("scheduled"), danger: true },
      details("inspection-sessions-get"),
    ],
    children: [
      {
        key: "bookings",
        label: "recBookings",
        service: "inspection",
        list: "bookings-list",
        row: "BookingOut",
        columns: ["consumer_name", "consumer_phone", "service", "product_category", "status", "waitlist_position"],
        filters: [],
        actions: [{ op: "bookings-cancel", label: "recCancel", when: is("confirmed", "waitlisted"), kind: "confirm", danger: true }],
      },
      {
        key: "results",
        label: "recResults",
        service: "inspection",
        list: "session-results-list",
        row: "ResultOut",
        columns: ["service", "product_category", "outcome", "booking_id", "created_at"],
        filters: [],
        actions: [],
      },
    ],
  },
  {
    key: "surveys",
    label: "recSurveys",
    service: "survey",
    list: "surveys-list",
    row: "SurveyOut",
    columns: ["title", "product_category", "opens_on", "closes_on", "responses", "status"],
    filters: [
      { param: "product_category", field: "product_category" },
      { param: "status", field: "status" },
    ],
    create: { op: "surveys-publish", label: "recPublishSurvey", creates: true },
    actions: [
      { op: "responses-submit", label: "recPaperResponse", when: is("open"), creates: true },
      { op: "survey-results-get", label: "recSurveyResults", kind: "results" },
      { op: "surveys-revise", label: "recRevise", when: is("open"), prefill: true },
      { op: "surveys-close", label: "recClose", when: is("open"), kind: "confirm", danger: true },
      details("surveys-get"),
    ],
  },
];
