import { useEffect, useRef } from "react";
import { echarts } from "./echarts";

type Option = Parameters<echarts.ECharts["setOption"]>[0];

/** One ECharts instance on a div; `option` replaces the previous one. */
export function Chart({ option, height, onReady }: { option: Option; height: number; onReady?: (chart: echarts.ECharts) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    const instance = echarts.init(ref.current!, null, { renderer: "svg" });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(ref.current!);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    // no animation: officers' machines are modest, and a printout or screenshot shows the figures
    chart.current?.setOption({ animation: false, ...option }, true);
    if (chart.current && onReady) onReady(chart.current);
  }, [option, onReady]);
  return <div ref={ref} style={{ width: "100%", height }} />;
}
