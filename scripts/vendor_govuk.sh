#!/usr/bin/env bash
# Vendor GOV.UK Frontend (compiled CSS and JS) and axe-core into the repository.
#
# Reproducible: the versions are pinned below and npm checks each tarball's
# integrity against the registry. Run from anywhere: scripts/vendor_govuk.sh
#
# safeplan is not a GOV.UK service, so it must not use the crown, the crest or
# the GDS Transport font (both are reserved for GOV.UK). This script therefore
#   - copies only govuk-frontend.min.css and govuk-frontend.min.js, not the
#     assets folder (fonts, crown favicons, crest, manifest);
#   - deletes the two GDS Transport @font-face rules from the CSS and replaces
#     the font stack with the system font stack below, so no font is requested;
#   - replaces the footer crest background image with `none`;
#   - drops the source map comments (the maps are not shipped).
# It then checks that none of those remain.
set -euo pipefail

GOVUK_FRONTEND_VERSION=5.14.0
AXE_CORE_VERSION=4.14.1
FONT_STACK='system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif'

root="$(cd "$(dirname "$0")/.." && pwd)"
govuk_dir="$root/src/safeplan/web/static/govuk"
axe_dir="$root/tests/browser/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "govuk-frontend@$GOVUK_FRONTEND_VERSION" "axe-core@$AXE_CORE_VERSION" >/dev/null
mkdir govuk axe
tar -xzf "govuk-frontend-$GOVUK_FRONTEND_VERSION.tgz" -C govuk --strip-components=1
tar -xzf "axe-core-$AXE_CORE_VERSION.tgz" -C axe --strip-components=1

mkdir -p "$govuk_dir" "$axe_dir"
sed -E \
  -e 's/@font-face\{font-family:GDS Transport;[^}]*\}//g' \
  -e "s/font-family:GDS Transport,arial,sans-serif/font-family:$FONT_STACK/g" \
  -e 's#url\(/assets/images/govuk-crest\.svg\)#none#g' \
  -e 's#/\*\# sourceMappingURL=[^*]*\*/##g' \
  govuk/dist/govuk/govuk-frontend.min.css >"$govuk_dir/govuk-frontend.min.css"
sed -E -e 's#//\# sourceMappingURL=.*$##' \
  govuk/dist/govuk/govuk-frontend.min.js >"$govuk_dir/govuk-frontend.min.js"

if grep -Eq 'GDS Transport|@font-face|/assets/|sourceMappingURL' "$govuk_dir/govuk-frontend.min.css"; then
  echo "vendor_govuk: the CSS still refers to the GOV.UK font or assets" >&2
  exit 1
fi

cat >"$govuk_dir/LICENSE.txt" <<LICENSE
GOV.UK Frontend $GOVUK_FRONTEND_VERSION (https://github.com/alphagov/govuk-frontend),
vendored by scripts/vendor_govuk.sh: compiled CSS and JavaScript only, with the
GDS Transport font and the crest removed (they are reserved for GOV.UK).

The MIT License (MIT)

Copyright (c) 2015 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of
the Software, and to permit persons to whom the Software is furnished to do so,
subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS
FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
LICENSE

cp axe/axe.min.js "$axe_dir/axe.min.js"
{
  echo "axe-core $AXE_CORE_VERSION (https://github.com/dequelabs/axe-core),"
  echo "vendored by scripts/vendor_govuk.sh for the browser tests only."
  echo
  cat axe/LICENSE
} >"$axe_dir/LICENSE.txt"

echo "vendored govuk-frontend $GOVUK_FRONTEND_VERSION and axe-core $AXE_CORE_VERSION"
