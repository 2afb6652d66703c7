// The year-over-year endpoints of the aggregator (statistics-compare, statistics-compare-xlsx),
// typed by their contract in docs/api.md (issue 21) until the aggregator's OpenAPI on this branch
// serves them and the generated types carry them; the page says so when they answer 404.
import type { Client } from "openapi-fetch";
import type { Api, Problem } from "../../api/client";

export interface MetricChange {
  current: number | null;
  earlier: number | null;
  /** current - earlier */
  change: number | null;
  /** the change in percent of the earlier value (null when that was 0) */
  percent: number | null;
}

export interface Comparison {
  campaign: string;
  earlier: string;
  /** the 32 reporting units in GB/T 2260 order (XPCC last), then the total (province null) */
  units: { province: string | null; name: string; metrics: Record<string, MetricChange> }[];
}

interface Operation<Content> {
  parameters: { path: { campaign: string }; query: { with: string } };
  responses: {
    200: { content: Content };
    404: { content: { "application/problem+json": Problem } };
    422: { content: { "application/problem+json": Problem } };
  };
}

export interface ComparePaths {
  "/v1/campaigns/{campaign}/statistics/compare": { get: Operation<{ "application/json": Comparison }> };
  "/v1/campaigns/{campaign}/statistics/compare.xlsx": {
    get: Operation<{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": unknown }>;
  };
}

/** The aggregator's client (the same base URL and bearer token), seen through these paths. */
export function compareClient(api: Api): Client<ComparePaths> {
  return api.aggregator as unknown as Client<ComparePaths>;
}
