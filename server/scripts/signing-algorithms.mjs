// Measures the CPU cost of signing and verifying one access token with each JWS
// algorithm Seamless could use, through jose as the server does. CPU time, not wall
// time, so that other work on the machine does not skew the comparison.
// Run: node server/scripts/signing-algorithms.mjs
import { createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

const algorithms = {
  ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  EdDSA: () => generateKeyPairSync('ed25519'),
  RS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
  HS256: () => {
    const key = createSecretKey(randomBytes(32));
    return { privateKey: key, publicKey: key };
  },
};

const claims = { userId: 1, username: 'guang', sid: 'pQ8TBceHrYrBR6L3GclGmg' };

async function cpuMicros(times, work) {
  const start = process.cpuUsage();
  for (let i = 0; i < times; i++) {
    await work();
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / times;
}

console.log('| algorithm | sign | verify | token length |');
console.log('|---|---|---|---|');
for (const [alg, generate] of Object.entries(algorithms)) {
  const { privateKey, publicKey } = generate();
  const sign = () =>
    new SignJWT(claims)
      .setProtectedHeader({ alg, kid: 'k', typ: 'at+jwt' })
      .setIssuedAt()
      .setExpirationTime('30m')
      .sign(privateKey);
  const token = await sign();
  const verify = () => jwtVerify(token, publicKey, { algorithms: [alg] });
  const times = alg === 'RS256' ? 300 : 2000;
  await cpuMicros(200, sign);
  await cpuMicros(200, verify);
  const signUs = await cpuMicros(times, sign);
  const verifyUs = await cpuMicros(times, verify);
  console.log(`| ${alg} | ${signUs.toFixed(0)} µs | ${verifyUs.toFixed(0)} µs | ${token.length} |`);
}
