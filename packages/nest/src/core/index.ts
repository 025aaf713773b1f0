/**
 * The framework-free core of `@seamless/nest`: the access-token checks, the issuer's keys
 * and revoked sessions, and a middleware for express or `node:http`. Nothing here
 * imports NestJS.
 */
export {
  AccessTokenVerifier,
  decodeCanonical,
  type AccessTokenVerifierOptions,
  type Principal,
  type RejectReason,
  type Verdict,
} from './access-token-verifier';
export {
  authenticate,
  BEARER_ANSWERS,
  type AuthFailure,
  type AuthorizationField,
  type AuthResult,
  type BadRequestBody,
  type UnauthorizedBody,
} from './authenticate';
export { authorizationOf, hasRepeatedAuthorization } from './authorization-header';
export {
  algorithmOfKey,
  keyFromJwk,
  StaticKeySource,
  verificationKey,
  type KeyAlgorithm,
  type KeySource,
  type VerificationKey,
} from './keys';
export { consoleLogger, type SeamlessLogger } from './logger';
export {
  requireAccessToken,
  sendUnauthorized,
  type AuthenticatedRequest,
  type Authenticator,
} from './node';
export { RemoteJwks, type RemoteJwksOptions } from './remote-jwks';
export { RevokedSessions, type FeedState, type RevokedSessionsOptions } from './revoked-sessions';
export { createSeamlessAuth, type SeamlessAuth, type SeamlessAuthOptions } from './seamless-auth';
