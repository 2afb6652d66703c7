// Sign-in through the identity provider with oidc-client-ts: Authorization Code + PKCE (S256),
// renewal before expiry (refresh token, else a silent request), sign-out at the provider.
// Tokens are kept in memory only, never in localStorage or sessionStorage; sessionStorage holds
// only the short-lived request state (the PKCE verifier) across the redirect to the provider.
import { InMemoryWebStorage, UserManager, WebStorageStateStore, type User } from "oidc-client-ts";
import type { RuntimeConfig } from "../config";

export const CALLBACK_PATH = "/auth/callback";
export const SILENT_PATH = "/auth/silent";
/** where the provider sends the browser back after sign-out */
export const SIGNED_OUT_PATH = "/signed-out";

/** The roles of the realm; the claims `role` and `province` are in the id and access tokens. */
export type Role = "province" | "hq" | "viewer" | "admin";
const ROLES: readonly Role[] = ["province", "hq", "viewer", "admin"];

export interface Identity {
  subject: string;
  name: string;
  role: Role | null;
  province: string | null;
}

export function identityOf(user: User): Identity {
  const claims = user.profile as Record<string, unknown>;
  const role = typeof claims.role === "string" && (ROLES as string[]).includes(claims.role) ? (claims.role as Role) : null;
  const province = typeof claims.province === "string" ? claims.province : null;
  const name = String(claims.name || claims.preferred_username || user.profile.sub);
  return { subject: user.profile.sub, name, role, province };
}

export function createUserManager(config: RuntimeConfig): UserManager {
  const origin = window.location.origin;
  return new UserManager({
    authority: config.issuer,
    client_id: config.client_id,
    redirect_uri: origin + CALLBACK_PATH,
    silent_redirect_uri: origin + SILENT_PATH,
    post_logout_redirect_uri: origin + SIGNED_OUT_PATH,
    response_type: "code",
    scope: config.scope ?? "openid profile",
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    automaticSilentRenew: true,
    silentRequestTimeoutInSeconds: 8,
    loadUserInfo: false,
  });
}
