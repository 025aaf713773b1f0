// Measures the CPU cost of signing an access token and of verifying a token seen for the
// first time, with each JWS algorithm Seamless could use: through jose (how the server
// signed and verified before) and through node:crypto directly, as the server signs now
// and as the verifier of @seamless/nest/core checks (every claim and spelling check
// included, no cache hit). Also what a cache lookup costs keyed by the token text or by a digest of it.
// CPU time, not wall time, so that other work on the machine skews the comparison less;
// rows measured in one run compare with each other, not with another run's.
// Run after `npm run build`: node server/scripts/signing-algorithms.mjs
import {
  createHash,
  createSecretKey,
  generateKeyPairSync,
  randomBytes,
  sign as cryptoSign,
} from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { AccessTokenVerifier, StaticKeySource, verificationKey } from '@seamless/nest/core';

const algorithms = {
  ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  EdDSA: () => generateKeyPairSync('ed25519'),
  RS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
  HS256: () => {
    const key = createSecretKey(randomBytes(32));
    return { privateKey: key, publicKey: key };
  },
};

const issuer = 'http://localhost:3000';
const audience = 'seamless';

function cpuMicros(times, work) {
  const start = process.cpuUsage();
  for (let i = 0; i < times; i++) {
    work(i);
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / times;
}

async function cpuMicrosAsync(times, work) {
  const start = process.cpuUsage();
  for (let i = 0; i < times; i++) {
    await work(i);
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / times;
}

/** Distinct tokens, as many users' would be: each differs in sub, sid and jti. */
async function tokens(alg, privateKey, count) {
  const now = Math.floor(Date.now() / 1000);
  const list = [];
  for (let i = 0; i < count; i++) {
    list.push(
      await new SignJWT({
        userId: i + 1,
        username: `user${i}`,
        sid: randomBytes(16).toString('base64url'),
      })
        .setProtectedHeader({ alg, kid: 'k', typ: 'at+jwt' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(String(i + 1))
        .setJti(randomBytes(12).toString('base64url'))
        .setIssuedAt(now)
        .setExpirationTime(now + 1800)
        .sign(privateKey),
    );
  }
  return list;
}

/** How the server signs: the compact JWS built by hand, the signature by node:crypto. */
function directSigner(alg, privateKey) {
  const header = Buffer.from(JSON.stringify({ alg, kid: 'k', typ: 'at+jwt' })).toString(
    'base64url',
  );
  const hash = alg === 'EdDSA' ? null : 'sha256';
  const key = alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey;
  return () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      userId: 1,
      username: 'guang',
      sid: 'pQ8TBceHrYrBR6L3GclGmg',
      iss: issuer,
      aud: audience,
      sub: '1',
      jti: randomBytes(12).toString('base64url'),
      iat: now,
      exp: now + 1800,
    };
    const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${input}.${cryptoSign(hash, Buffer.from(input), key).toString('base64url')}`;
  };
}

console.log(
  '| algorithm | sign (jose) | sign (node:crypto) | verify (jose) | first verify (core) | token length |',
);
console.log('|---|---|---|---|---|---|');
for (const [alg, generate] of Object.entries(algorithms)) {
  const { privateKey, publicKey } = generate();
  const count = alg === 'RS256' ? 400 : 2000;
  const list = await tokens(alg, privateKey, count + 200);
  const sign = () =>
    new SignJWT({ userId: 1, username: 'guang', sid: 'pQ8TBceHrYrBR6L3GclGmg' })
      .setProtectedHeader({ alg, kid: 'k', typ: 'at+jwt' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject('1')
      .setJti(randomBytes(12).toString('base64url'))
      .setIssuedAt()
      .setExpirationTime('30m')
      .sign(privateKey);
  const joseVerify = (i) =>
    jwtVerify(list[i], publicKey, {
      algorithms: [alg],
      issuer,
      audience,
      typ: 'at+jwt',
      requiredClaims: ['sub', 'jti', 'iat', 'exp', 'sid'],
    });
  await cpuMicrosAsync(200, sign);
  await cpuMicrosAsync(200, joseVerify);
  const signUs = await cpuMicrosAsync(count, sign);
  let directUs = '–';
  if (alg !== 'HS256') {
    const signDirect = directSigner(alg, privateKey);
    cpuMicros(200, signDirect);
    directUs = `${cpuMicros(count, signDirect).toFixed(0)} µs`;
  }
  const joseUs = await cpuMicrosAsync(count, (i) => joseVerify(i + 200));
  let coreUs = '–';
  if (alg !== 'HS256') {
    // A cache smaller than the tokens, so that every check is a first one.
    const verifier = new AccessTokenVerifier({
      issuer,
      audience,
      keys: new StaticKeySource([verificationKey('k', publicKey)]),
      cacheSize: 1,
    });
    cpuMicros(200, (i) => verifier.check(list[i]));
    const us = cpuMicros(count, (i) => {
      if (!verifier.check(list[i + 200]).ok) {
        throw new Error(`${alg}: a genuine token did not pass`);
      }
    });
    coreUs = `${us.toFixed(0)} µs`;
  }
  console.log(
    `| ${alg} | ${signUs.toFixed(0)} µs | ${directUs} | ${joseUs.toFixed(0)} µs | ${coreUs} | ${list[0].length} |`,
  );
}

// The cache hit path: the text of a token is its own key, or a SHA-256 digest of it is.
{
  const { privateKey } = algorithms.ES256();
  const list = await tokens('ES256', privateKey, 1000);
  const byText = new Map(list.map((token) => [token, 1]));
  const digest = (token) => createHash('sha256').update(token).digest('base64url');
  const byDigest = new Map(list.map((token) => [digest(token), 1]));
  // Every request brings its token as a new string, sliced out of its Authorization header.
  const headers = list.map((token) => `Bearer ${token}`);
  const times = 200_000;
  const text = cpuMicros(times, (i) => byText.get(headers[i % 1000].slice(7)));
  const hashed = cpuMicros(times, (i) => byDigest.get(digest(headers[i % 1000].slice(7))));
  console.log('');
  console.log(
    `cache hit keyed by the token text: ${text.toFixed(2)} µs; by its SHA-256 digest: ${hashed.toFixed(2)} µs`,
  );
}
