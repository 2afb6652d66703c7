// The province workspace (本省工作台): its pages, declared once for the menu and the routes.
import { lazy } from "react";
import { Workspace, type Page } from "../layout/Workspace";
import { Loading } from "../pages/Loading";

const ProvinceHome = lazy(() => import("./ProvinceHome"));
const ExcelPage = lazy(() => import("./excel/ExcelPage"));
const PackagePage = lazy(() => import("./package/PackagePage"));
const RecordsPage = lazy(() => import("../records/RecordsPage"));

const PAGES: readonly Page[] = [
  { path: "", label: "navProvinceHome", element: <ProvinceHome /> },
  { path: "records/*", label: "navRecords", element: <RecordsPage /> },
  { path: "excel", label: "excelNav", element: <ExcelPage /> },
  { path: "package", label: "navPackage", element: <PackagePage /> },
];

export default function ProvinceWorkspace() {
  return <Workspace pages={PAGES} fallback={<Loading />} />;
}
