#!/usr/bin/env bash
# Fetch the dashboard's vendored files again from the npm registry and check their sums.
set -euo pipefail
dest="$(cd "$(dirname "$0")/.." && pwd)/services/aggregator/src/sanjin_aggregator/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent echarts@5.6.0 echarts@4.9.0 >/dev/null
mkdir e5 e4
tar xzf echarts-5.6.0.tgz -C e5
tar xzf echarts-4.9.0.tgz -C e4
cp e5/package/dist/echarts.min.js "$dest/echarts-5.6.0.min.js"
cp e5/package/LICENSE "$dest/echarts-5.6.0.LICENSE"
cp e5/package/NOTICE "$dest/echarts-5.6.0.NOTICE"
cp e4/package/map/json/china.json "$dest/china-echarts-4.9.0.json"
cp e4/package/LICENSE "$dest/china-echarts-4.9.0.LICENSE"
cd "$dest"
grep -E '^[0-9a-f]{64}  ' README.md | sha256sum --check
