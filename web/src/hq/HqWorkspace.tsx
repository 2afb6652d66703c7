// The headquarters workspace (全国看板 and what HQ does there): its pages, declared once for the
// menu and the routes.
import { lazy } from "react";
import { Workspace, type Page } from "../layout/Workspace";
import { Loading } from "../pages/Loading";

const Dashboard = lazy(() => import("./Dashboard"));
const Inbox = lazy(() => import("./inbox/Inbox"));
const Reminders = lazy(() => import("./inbox/Reminders"));
const Official = lazy(() => import("./official/Official"));
const ProvincePage = lazy(() => import("./province/ProvincePage"));
const SignalsPage = lazy(() => import("./signals/SignalsPage"));
const ComparePage = lazy(() => import("./compare/ComparePage"));

const PAGES: readonly Page[] = [
  { path: "", label: "navBoard", element: <Dashboard /> },
  { path: "inbox", label: "navInbox", element: <Inbox /> },
  { path: "inbox/:code", label: "navInbox", element: <Inbox />, menu: false },
  { path: "reminders", label: "navReminders", element: <Reminders /> },
  { path: "official", label: "navOfficial", element: <Official /> },
  { path: "compare", label: "navCompare", element: <ComparePage /> },
  { path: "signals", label: "navSignals", element: <SignalsPage /> },
  { path: "provinces/:code", label: "navBoard", element: <ProvincePage />, menu: false },
];

export default function HqWorkspace() {
  return <Workspace pages={PAGES} fallback={<Loading />} />;
}
