import { lazy, Suspense, type ReactNode } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { useAuth } from "./auth/AuthProvider";
import { Loading } from "./pages/Loading";
import { SignIn } from "./pages/SignIn";
import { HqOnly, NoRole, NotFound } from "./pages/Results";
import { BOARD_ROLES, HOME } from "./roles";

// the frame and each workspace are chunks of their own: the sign-in page loads little, and a
// province officer never downloads the board's charts
const AppLayout = lazy(() => import("./layout/AppLayout").then((m) => ({ default: m.AppLayout })));
const HqWorkspace = lazy(() => import("./hq/HqWorkspace"));
const ProvinceWorkspace = lazy(() => import("./province/ProvinceWorkspace"));

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
            <Route path="hq/*" element={<Board><HqWorkspace /></Board>} />
            <Route path="province/*" element={<Province><ProvinceWorkspace /></Province>} />
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
      </Suspense>
    </BrowserRouter>
  );
}
