/**
 * The framework-free core of `@seamless/nest`: the access-token checks and their keys.
 * Nothing here imports NestJS.
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
  algorithmOfKey,
  keyFromJwk,
  StaticKeySource,
  verificationKey,
  type KeyAlgorithm,
  type KeySource,
  type VerificationKey,
} from './keys';
