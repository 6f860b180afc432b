#!/usr/bin/env bash
# `make run`: the app on http://127.0.0.1:8000 with the local OpenID Connect provider on :9000, which
# signs in the demo patients (portal: log in with a demo national ID) and midwives (any password).
set -euo pipefail
cd "$(dirname "$0")/.."
IDP=http://127.0.0.1:9000
CONFIG=$(mktemp)
.venv/bin/python manage.py dev_idp_config --issuer "$IDP" > "$CONFIG"
node tools/oidc-provider/server.mjs "$CONFIG" 2> >(grep -v WARNING >&2) &
PROVIDER=$!
trap 'kill $PROVIDER 2>/dev/null; rm -f "$CONFIG"' EXIT

for side in PORTAL_OIDC OIDC; do
  export "${side}_OP_ISSUER=$IDP" "${side}_OP_AUTHORIZATION_ENDPOINT=$IDP/auth" \
    "${side}_OP_TOKEN_ENDPOINT=$IDP/token" "${side}_OP_USER_ENDPOINT=$IDP/me" \
    "${side}_OP_JWKS_ENDPOINT=$IDP/jwks" "${side}_OP_LOGOUT_ENDPOINT=$IDP/session/end" \
    "${side}_RP_CLIENT_SECRET=development-only-secret"
done
export PORTAL_OIDC_RP_CLIENT_ID=portal-dev OIDC_RP_CLIENT_ID=web-dev
.venv/bin/python manage.py runserver 127.0.0.1:8000
