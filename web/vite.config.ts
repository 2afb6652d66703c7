import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Everything the application loads is bundled here: no CDN, no font or map fetched at run time.
export default defineConfig({
  plugins: [react()],
  build: {
    target: "es2020",
    sourcemap: false,
    manifest: true, // read by scripts/first-load.mjs
    chunkSizeWarningLimit: 1200,
    // no manual vendor chunks: what only the board uses (echarts, the map, antd's Table and
    // Select) then stays out of the first load, which a slow intranet link feels most
  },
  server: {
    // `npm run dev` beside a running gateway: the APIs and config.json come from it
    proxy: { "/api": "http://127.0.0.1:8080", "/config.json": "http://127.0.0.1:8080" },
  },
});
