#!/bin/sh
# Rebuild the committed GOV.UK Frontend and MoJ Frontend assets in taskforce/static/vendor/.
# Needs Node 20+ and npm; run it after changing frontend/src or upgrading a package, and commit the output.
# The site itself never needs Node: `make run` serves what this script left behind.
set -eu
cd "$(dirname "$0")"
out=../taskforce/static/vendor
[ -d node_modules ] || npm ci --no-audit --no-fund
rm -rf "$out"
mkdir -p "$out/images"
npx sass --no-source-map --style=compressed --load-path=. src/taskforce.scss "$out/taskforce.min.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out/govuk-frontend.min.js"
# Only the images the stylesheet refers to, so collectstatic's manifest finds every one of them.
for image in $(grep -o 'url([^)]*)' "$out/taskforce.min.css" | sed 's/url(//; s/)//; s/"//g' | sort -u); do
  for dir in node_modules/govuk-frontend/dist/govuk/assets/images node_modules/@ministryofjustice/frontend/moj/assets/images; do
    if [ -f "$dir/$(basename "$image")" ]; then cp "$dir/$(basename "$image")" "$out/images/"; fi
  done
done
{
  echo "Built by frontend/build.sh from:"
  echo "  govuk-frontend $(node -p "require('./node_modules/govuk-frontend/package.json').version")"
  echo "  @ministryofjustice/frontend $(node -p "require('./node_modules/@ministryofjustice/frontend/package.json').version")"
  echo "  sass $(node -p "require('./node_modules/sass/package.json').version")"
} > "$out/VERSIONS.txt"
ls -la "$out" "$out/images"
