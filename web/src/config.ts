// Runtime configuration, served beside the application as /config.json (the devstack, compose
// and Kubernetes each write their own), so one build serves every environment.
export interface RuntimeConfig {
  /** the OpenID Connect issuer, e.g. http://127.0.0.1:8180/realms/sanjin */
  issuer: string;
  /** the public client of the web application (Authorization Code + PKCE) */
  client_id: string;
  /** where the services are reached, one `/<slug>` each under it (default `/api`) */
  api_base?: string;
  /** the OIDC scopes asked for (default `openid profile`) */
  scope?: string;
}

export async function loadConfig(): Promise<RuntimeConfig> {
  const response = await fetch("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`/config.json: ${response.status}`);
  const config = (await response.json()) as RuntimeConfig;
  if (!config.issuer || !config.client_id) throw new Error("/config.json names no issuer or client_id");
  return config;
}
