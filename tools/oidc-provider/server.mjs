// A local, standards-compliant OpenID Connect provider (the OpenID Certified `oidc-provider` package) for
// development and tests: real authorization code flow with PKCE, signed ID tokens, userinfo, end session.
// Not for production. Configured by a JSON file (argument 1):
//   {"issuer": "http://127.0.0.1:9000", "port": 9000,
//    "clients": [{"client_id": "...", "client_secret": "...", "redirect_uris": [...],
//                 "post_logout_redirect_uris": [...]}],
//    "accounts": {"<login>": {"sub": "...", "name": "...", "hpr_number": "...", "pid": "..."}}}
// The built-in development login page takes an account's login (any password); an unknown login does not
// sign in. There is no consent screen: the requested scope is granted. Prints "ready <issuer>" when listening.
import { readFileSync } from "node:fs";
import Provider from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const accounts = config.accounts || {};

const provider = new Provider(config.issuer, {
  clients: config.clients.map((client) => ({
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_post",
    id_token_signed_response_alg: "RS256",
    ...client,
  })),
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account }; } };
  },
  claims: {
    openid: ["sub"],
    profile: ["name", "given_name", "family_name", "hpr_number", "pid", "nhs_number"],
  },
  conformIdTokenClaims: false, // put the scope's claims in the ID token too, as many providers do
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => true },
  cookies: { keys: ["development-only-cookie-key"] },
  ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
  loadExistingGrant: async (ctx) => {
    // Development: no consent screen; grant the requested scope at once.
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.params.scope || "openid");
    await grant.save();
    return grant;
  },
});
provider.proxy = true;

const port = config.port || new URL(config.issuer).port;
provider.listen(port, "127.0.0.1", () => {
  console.log(`ready ${config.issuer}`);
});
