// Where each item of the checklist (GET .../checklist/{province}, one rule in the aggregator) is
// dealt with: a page of the province workspace, relative to it. Typed by the API's codes, so a new
// code does not compile until it has its page.
import type { AggregatorSchemas } from "../api/client";

type Code = AggregatorSchemas["ChecklistCode"];

export const CHECKLIST_LINKS: Record<Code, string> = {
  activities_not_reported: "records/activities",
  no_activities: "excel?tab=activities",
  no_monitoring_points: "excel?tab=points",
  points_not_evaluated: "records/monitoring-points",
  no_survey: "records/surveys",
  no_survey_responses: "excel?tab=responses",
  no_summary: "package",
  no_typical_case: "package",
  returned: "package",
  not_submitted: "package",
};
