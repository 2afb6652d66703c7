// ECharts, with only the charts and components the application draws (tree-shaken), the SVG
// renderer, and the China map bundled from src/vendor (nothing fetched at run time).
import { BarChart, LineChart, MapChart, ScatterChart } from "echarts/charts";
import { GeoComponent, GridComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import china from "../vendor/china-map/china-echarts-4.9.0.json";

echarts.use([MapChart, ScatterChart, BarChart, LineChart, GeoComponent, GridComponent, TooltipComponent, VisualMapComponent, SVGRenderer]);

type GeoJson = Parameters<typeof echarts.registerMap>[1];
echarts.registerMap("china", china as unknown as GeoJson);

/** GB/T 2260 code -> the map's region name (the polygons' feature ids are the codes) */
export const REGION_BY_CODE: Record<string, string> = Object.fromEntries(
  (china as { features: { id: string; properties: { name: string } }[] }).features.map((f) => [f.id, f.properties.name]),
);

export { echarts };
