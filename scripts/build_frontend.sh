#!/usr/bin/env bash
# Build the front-end assets: install the pinned npm packages (package-lock.json) when missing and
# copy GOV.UK Frontend's compiled CSS, JS, fonts and images (with their source maps, which
# collectstatic's manifest storage follows) into src/safeguard/web/static/govuk/, git-ignored.
# Idempotent; needs node and npm. Run from anywhere.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

if [ ! -d node_modules/govuk-frontend ] || [ ! -d node_modules/axe-core ]; then
  npm ci --no-audit --no-fund
fi

SRC=node_modules/govuk-frontend/dist/govuk
DEST=src/safeguard/web/static/govuk
rm -rf "$DEST"
mkdir -p "$DEST"
cp "$SRC/govuk-frontend.min.js" "$SRC/govuk-frontend.min.js.map" "$DEST/"
cp "$SRC/govuk-frontend.min.css.map" "$DEST/"
# The CSS refers to /assets/... from the site root; make the URLs relative so that they resolve
# under STATIC_URL and ManifestStaticFilesStorage can hash them.
sed 's#url(/assets/#url(assets/#g' "$SRC/govuk-frontend.min.css" > "$DEST/govuk-frontend.min.css"
cp -R "$SRC/assets" "$DEST/assets"
echo "GOV.UK Frontend $(node -p "require('./node_modules/govuk-frontend/package.json').version") copied to $DEST"
