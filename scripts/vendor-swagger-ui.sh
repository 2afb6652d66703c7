#!/usr/bin/env bash
# Fetch the API documentation page's vendored Swagger UI again from the npm registry and check
# its sums (every service serves /docs from these files: no CDN, the page works offline).
set -euo pipefail
version=5.35.0
dest="$(cd "$(dirname "$0")/.." && pwd)/shared/src/sanjin_shared/static/swagger-ui"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "swagger-ui-dist@$version" >/dev/null
tar xzf "swagger-ui-dist-$version.tgz"
for file in swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css favicon-32x32.png LICENSE NOTICE; do
	cp "package/$file" "$dest/$file"
done
cd "$dest"
grep -E '^[0-9a-f]{64}  ' README.md | sha256sum --check
