// A local, standards-compliant OpenID Connect provider (the OpenID Certified `oidc-provider` package) for
// development and tests: real authorization code flow with PKCE, signed ID tokens, userinfo, end session,
// and, when a resource server is configured, JWT access tokens for it as HelseID issues them.
// Not for production. Configured by a JSON file (argument 1):
//   {"issuer": "http://127.0.0.1:9000", "port": 9000,
//    "clients": [{"client_id": "...", "client_secret": "...", "redirect_uris": [...],
//                 "post_logout_redirect_uris": [...],
//                 "grant_types": ["authorization_code", "client_credentials"],   (optional)
//                 "access_token_claims": {"helseid://claims/client/claims/orgnr_parent": "..."}}], (optional)
//    "accounts": {"<login>": {"sub": "...", "name": "...", "hpr_number": "...", "pid": "...",
//                             "access_token_claims": {"helseid://claims/hpr/hpr_number": "..."}}}, (optional)
//    "resource": {"audience": "nhn:maternity-record", "scope": "nhn:maternity-record/api", "ttl": 600},
//    "jwks": {"keys": [<private JWKs>]}}                                                 (optional)
// The built-in development login page takes an account's login (any password); an unknown login does not
// sign in. There is no consent screen: the requested scope is granted. Prints "ready <issuer>" when listening.
//
// Resource server (RFC 8707): a token request (client_credentials, or authorization_code whose authorization
// request named the resource too) that sends `resource=<audience>` gets a signed JWT access token (RS256,
// typ at+jwt) with iss, aud, scope (the requested scopes the resource has), client_id, sub (the account, or
// the client for client_credentials), iat, exp, jti, cnf.jkt when a DPoP proof came with the token request,
// and the client's and (user tokens only) the account's `access_token_claims`. Without `resource` the access
// token is opaque, for the userinfo endpoint, as before. `jwks` fixes the signing keys (key rotation: restart
// on the same port with other keys); without it oidc-provider's development keys sign.
import { readFileSync } from "node:fs";
import Provider, { errors } from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const accounts = config.accounts || {};
const resource = config.resource;
const ttl = { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 };

// Our own keys, not client metadata: oidc-provider refuses metadata it does not know.
const clientClaims = {};
const accountClaims = {};
const clients = config.clients.map(({ access_token_claims: claims, ...client }) => {
  clientClaims[client.client_id] = claims || {};
  const grantTypes = client.grant_types || ["authorization_code"];
  return {
    grant_types: grantTypes,
    response_types: grantTypes.includes("authorization_code") ? ["code"] : [],
    token_endpoint_auth_method: "client_secret_post",
    id_token_signed_response_alg: "RS256",
    ...client,
  };
});
for (const [login, { access_token_claims: claims, ...account }] of Object.entries(accounts)) {
  accountClaims[login] = claims || {};
  accounts[login] = account;
}

// A resource server's TTL only counts where ttl is a function (a number in `ttl` would override it).
const accessTokenTtl = (ctx, token) => token.resourceServer?.accessTokenTTL || ttl.AccessToken;

const provider = new Provider(config.issuer, {
  clients,
  ...(config.jwks ? { jwks: config.jwks } : {}),
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
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      async getResourceServerInfo(ctx, indicator) {
        if (!resource || indicator !== resource.audience) throw new errors.InvalidTarget();
        return {
          audience: resource.audience,
          scope: resource.scope,
          accessTokenTTL: resource.ttl || ttl.AccessToken,
          accessTokenFormat: "jwt",
          jwt: { sign: { alg: "RS256" } },
        };
      },
    },
  },
  async extraTokenClaims(ctx, token) {
    if (!token.resourceServer) return undefined; // opaque userinfo tokens stay as they were
    const claims = { ...clientClaims[token.clientId] };
    if (token.kind === "AccessToken") Object.assign(claims, accountClaims[token.accountId]);
    return claims;
  },
  pkce: { required: () => true },
  cookies: { keys: ["development-only-cookie-key"] },
  ttl: { ...ttl, AccessToken: accessTokenTtl, ClientCredentials: accessTokenTtl },
  loadExistingGrant: async (ctx) => {
    // Development: no consent screen; grant the requested scope at once, and the resource's scopes when the
    // authorization request named the resource (ctx.oidc.resourceServers holds what it named). The OpenID
    // scopes are the requested ones oidc-provider knows: without a resource that is what params.scope already
    // holds (it filters it so), with one it keeps the API's scope out of the OpenID grant.
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(" ") || "openid");
    for (const [indicator, server] of Object.entries(ctx.oidc.resourceServers)) {
      const scope = [...ctx.oidc.requestParamScopes].filter((name) => server.scopes.has(name)).join(" ");
      if (scope) grant.addResourceScope(indicator, scope);
    }
    await grant.save();
    return grant;
  },
});
provider.proxy = true;

const port = config.port || new URL(config.issuer).port;
provider.listen(port, "127.0.0.1", () => {
  console.log(`ready ${config.issuer}`);
});
