import { Spin } from "antd";
import { lazy, Suspense, type ReactNode } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { useAuth } from "./auth/AuthProvider";
import { useI18n } from "./i18n";
import { SignIn } from "./pages/SignIn";
import { HqOnly, NoRole, NotFound } from "./pages/Results";
import { BOARD_ROLES, HOME } from "./roles";

// the frame and each workspace are chunks of their own: the sign-in page loads little, and a
// province officer never downloads the board's charts
const AppLayout = lazy(() => import("./layout/AppLayout").then((m) => ({ default: m.AppLayout })));
const Dashboard = lazy(() => import("./hq/Dashboard"));
const ProvinceHome = lazy(() => import("./province/ProvinceHome"));

function Loading() {
  const { t } = useI18n();
  return <div style={{ padding: 48, textAlign: "center" }}><Spin tip={t("loading")} size="large"><div style={{ height: 40 }} /></Spin></div>;
}

function Home() {
  const { identity } = useAuth();
  return identity?.role ? <Navigate to={HOME[identity.role]} replace /> : <NoRole />;
}

function Board({ children }: { children: ReactNode }) {
  const { identity } = useAuth();
  if (!identity?.role) return <NoRole />;
  if (!BOARD_ROLES.includes(identity.role)) return <HqOnly />;
  return <>{children}</>;
}

function Province({ children }: { children: ReactNode }) {
  const { identity } = useAuth();
  if (!identity?.role) return <NoRole />;
  if (identity.role !== "province") return <Navigate to={HOME[identity.role]} replace />;
  return <>{children}</>;
}

export function App() {
  const { user, loading } = useAuth();
  if (loading) return <Loading />;
  if (!user) return <SignIn />;
  return (
    <BrowserRouter>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route element={<AppLayout />}>
            <Route index element={<Home />} />
            <Route path="hq" element={<Board><Dashboard /></Board>} />
            <Route path="province" element={<Province><ProvinceHome /></Province>} />
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
      </Suspense>
    </BrowserRouter>
  );
}
