#!/usr/bin/env bash
# Build the front-end assets into src/safeguard/web/static/govuk/ (git-ignored): install the
# pinned npm packages (package-lock.json) when missing, compile GOV.UK Frontend's Sass with the
# authority's font (src/safeguard/web/sass/govuk-frontend.scss; the `sass` npm package), and copy
# its JavaScript and images. No font file is copied: GDS Transport is for GOV.UK services only.
# SAFEGUARD_FONT_FAMILY (a CSS font list, default `arial, sans-serif`) picks another font; an
# authority's web font needs its own @font-face. Idempotent; needs node and npm. Run from anywhere.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

if [ ! -d node_modules/govuk-frontend ] || [ ! -d node_modules/axe-core ] || [ ! -x node_modules/.bin/sass ]; then
  npm ci --no-audit --no-fund
fi

FONT_FAMILY=${SAFEGUARD_FONT_FAMILY:-arial, sans-serif}
case "$FONT_FAMILY" in
  *[\;\{\}]*|*"GDS Transport"*) echo "SAFEGUARD_FONT_FAMILY: a CSS font list without GDS Transport, e.g. 'arial, sans-serif'" >&2; exit 2 ;;
esac

SRC=node_modules/govuk-frontend/dist/govuk
DEST=src/safeguard/web/static/govuk
SETTINGS=$(mktemp -d)
trap 'rm -rf "$SETTINGS"' EXIT
printf '$font-family: %s;\n' "$FONT_FAMILY" > "$SETTINGS/_authority.scss"

rm -rf "$DEST"
mkdir -p "$DEST/assets"
node_modules/.bin/sass --load-path=node_modules/govuk-frontend/dist --load-path="$SETTINGS" \
  --style=compressed --quiet-deps --no-source-map \
  src/safeguard/web/sass/govuk-frontend.scss "$DEST/govuk-frontend.min.css"
cp "$SRC/govuk-frontend.min.js" "$SRC/govuk-frontend.min.js.map" "$DEST/"
cp -R "$SRC/assets/images" "$SRC/assets/manifest.json" "$DEST/assets/"
echo "GOV.UK Frontend $(node -p "require('./node_modules/govuk-frontend/package.json').version") built into $DEST with the font $FONT_FAMILY"
