// One typed client per service, each behind the gateway at `<api_base>/<slug>` (one origin, no
// CORS; the slug is the registry's name with "-" for "_"). The types are generated from the services' OpenAPI documents (src/api/generated/).
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { UserManager } from "oidc-client-ts";
import type { paths as AggregatorPaths, components as AggregatorComponents } from "./generated/aggregator";
import type { paths as EventsPaths } from "./generated/events";
import type { paths as InspectionPaths } from "./generated/inspection";
import type { paths as RiskMonitoringPaths } from "./generated/risk_monitoring";
import type { paths as SurveyPaths } from "./generated/survey";

export type AggregatorSchemas = AggregatorComponents["schemas"];

/** RFC 9457 problem+json, as every service answers an error */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { field?: string; message?: string }[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;
  constructor(status: number, problem: Problem | null, fallback: string) {
    super(problem?.detail || problem?.title || fallback);
    this.status = status;
    this.problem = problem;
  }
}

export interface Api {
  aggregator: Client<AggregatorPaths>;
  events: Client<EventsPaths>;
  riskMonitoring: Client<RiskMonitoringPaths>;
  inspection: Client<InspectionPaths>;
  survey: Client<SurveyPaths>;
}

export function createApi(apiBase: string, manager: UserManager, onUnauthorized: () => void): Api {
  const auth: Middleware = {
    async onRequest({ request }) {
      const user = await manager.getUser();
      if (user?.access_token) request.headers.set("Authorization", `Bearer ${user.access_token}`);
      // validation errors in the page's language (the services answer Chinese to zh)
      request.headers.set("Accept-Language", document.documentElement.lang === "en" ? "en" : "zh-CN,zh;q=0.9");
      return request;
    },
    async onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return response;
    },
  };
  function client<P extends object>(slug: string): Client<P> {
    const c = createClient<P>({ baseUrl: `${apiBase.replace(/\/$/, "")}/${slug}` });
    c.use(auth);
    return c;
  }
  return {
    aggregator: client<AggregatorPaths>("aggregator"),
    events: client<EventsPaths>("events"),
    riskMonitoring: client<RiskMonitoringPaths>("risk-monitoring"),
    inspection: client<InspectionPaths>("inspection"),
    survey: client<SurveyPaths>("survey"),
  };
}

/** The data of an openapi-fetch answer, or an ApiError carrying the problem. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined) return data;
  const problem = error && typeof error === "object" ? (error as Problem) : null;
  throw new ApiError(response.status, problem, `${response.url}: ${response.status}`);
}
