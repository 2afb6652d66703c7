import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import type { User, UserManager } from "oidc-client-ts";
import { CALLBACK_PATH, identityOf, SIGNED_OUT_PATH, type Identity } from "./session";

export type SignedOutReason = "signed-out" | "expired" | "failed" | null;

interface AuthState {
  /** null while the session is being restored */
  user: User | null;
  identity: Identity | null;
  loading: boolean;
  reason: SignedOutReason;
  error: string | null;
  signIn: () => Promise<void>;
  signOut: () => Promise<void>;
  /** the API refused the token: drop it, the user signs in again */
  expire: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ manager, children }: { manager: UserManager; children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(true);
  const [reason, setReason] = useState<SignedOutReason>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const loaded = (u: User) => setUser(u);
    const unloaded = () => {
      // the API refused the token (or it could not be renewed): sign in again
      setReason((r) => r ?? "expired");
      setUser(null);
    };
    const expired = () => {
      setReason("expired");
      void manager.removeUser();
    };
    manager.events.addUserLoaded(loaded);
    manager.events.addUserUnloaded(unloaded);
    manager.events.addAccessTokenExpired(expired);
    let cancelled = false;
    (async () => {
      try {
        if (window.location.pathname === SIGNED_OUT_PATH) {
          // back from the provider's sign-out: say so, and stay signed out
          window.history.replaceState(null, "", "/");
          if (!cancelled) setReason("signed-out");
        } else if (window.location.pathname === CALLBACK_PATH) {
          const signedIn = await manager.signinRedirectCallback();
          const state = signedIn.state as { returnTo?: string } | undefined;
          const returnTo = state?.returnTo && state.returnTo.startsWith("/") && !state.returnTo.startsWith("//") ? state.returnTo : "/";
          window.history.replaceState(null, "", returnTo);
          if (!cancelled) setUser(signedIn);
        } else {
          // tokens live in memory: after a reload, ask the provider quietly (its own session)
          const existing = await manager.getUser();
          const restored = existing && !existing.expired ? existing : await manager.signinSilent().catch(() => null);
          if (!cancelled) setUser(restored);
        }
      } catch (e) {
        if (!cancelled) {
          setReason("failed");
          setError(e instanceof Error ? e.message : String(e));
          window.history.replaceState(null, "", "/");
        }
      } finally {
        if (!cancelled) setLoading(false);
      }
    })();
    return () => {
      cancelled = true;
      manager.events.removeUserLoaded(loaded);
      manager.events.removeUserUnloaded(unloaded);
      manager.events.removeAccessTokenExpired(expired);
    };
  }, [manager]);

  const signIn = useCallback(async () => {
    const here = window.location.pathname + window.location.search;
    await manager.signinRedirect({ state: { returnTo: here === CALLBACK_PATH ? "/" : here } });
  }, [manager]);
  const signOut = useCallback(async () => {
    setReason("signed-out");
    await manager.signoutRedirect();
  }, [manager]);
  const expire = useCallback(async () => {
    setReason("expired");
    await manager.removeUser();
  }, [manager]);

  const value = useMemo<AuthState>(
    () => ({ user, identity: user ? identityOf(user) : null, loading, reason, error, signIn, signOut, expire }),
    [user, loading, reason, error, signIn, signOut, expire],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error("useAuth outside AuthProvider");
  return state;
}
