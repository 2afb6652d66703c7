// Calling an operation by its OpenAPI id: the generic record pages know an operation's path and
// method from the shipped documents (schema.ts), not at compile time.
import type { Api } from "../api/client";
import { unwrap } from "../api/client";
import { operation, type ServiceName } from "./schema";

type Answer = { data?: unknown; error?: unknown; response: Response };
type Init = { params?: { path?: Record<string, string>; query?: Record<string, unknown> }; body?: unknown; headers?: Record<string, string> };
type LooseClient = Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE", (path: string, init: Init) => Promise<Answer>>;

export async function call(api: Api, service: ServiceName, op: string, options: { id?: string; query?: Record<string, unknown>; body?: unknown; key?: string } = {}): Promise<unknown> {
  const spec = operation(service, op);
  const clients = { events: api.events, risk_monitoring: api.riskMonitoring, inspection: api.inspection, survey: api.survey };
  const client = clients[service] as unknown as LooseClient;
  const path = Object.fromEntries([...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], options.id ?? ""]));
  return unwrap(
    client[spec.method](spec.path, {
      params: { path, query: options.query },
      ...(options.body !== undefined ? { body: options.body } : {}),
      ...(options.key ? { headers: { "Idempotency-Key": options.key } } : {}),
    }),
  );
}

