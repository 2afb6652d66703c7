// The headquarters workspace (全国看板 and what HQ does there): its pages, declared once for the
// menu and the routes.
import { lazy } from "react";
import { Workspace, type Page } from "../layout/Workspace";
import { Loading } from "../pages/Loading";

const Dashboard = lazy(() => import("./Dashboard"));
const ProvincePage = lazy(() => import("./province/ProvincePage"));
const SignalsPage = lazy(() => import("./signals/SignalsPage"));
const ComparePage = lazy(() => import("./compare/ComparePage"));

const PAGES: readonly Page[] = [
  { path: "", label: "navBoard", element: <Dashboard /> },
  { path: "provinces/:code", label: "navBoard", element: <ProvincePage />, menu: false },
  { path: "signals", label: "navSignals", element: <SignalsPage /> },
  { path: "compare", label: "navCompare", element: <ComparePage /> },
];

export default function HqWorkspace() {
  return <Workspace pages={PAGES} fallback={<Loading />} />;
}
