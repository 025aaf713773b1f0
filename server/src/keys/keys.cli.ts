import { generateRefreshTokenSecret, generateSigningJwk } from './signing-keys';

const USAGE = `usage: node server/dist/src/keys/keys.cli.js <command>

  env [ES256|EdDSA|RS256]   print JWT_SIGNING_KEYS, JWT_CURRENT_KID and REFRESH_TOKEN_SECRET for a new deployment
  key [ES256|EdDSA|RS256]   print one new private signing JWK (to add to JWT_SIGNING_KEYS when rotating)
  secret                    print a new REFRESH_TOKEN_SECRET`;

async function main(argv: string[]): Promise<void> {
  const [command, algArg] = argv;
  const alg = algArg === 'EdDSA' || algArg === 'RS256' ? algArg : 'ES256';
  switch (command) {
    case 'env': {
      const jwk = await generateSigningJwk(alg);
      process.stdout.write(
        `JWT_SIGNING_KEYS='${JSON.stringify([jwk])}'\nJWT_CURRENT_KID=${String(jwk.kid)}\n` +
          `REFRESH_TOKEN_SECRET=${generateRefreshTokenSecret()}\n`,
      );
      return;
    }
    case 'key':
      process.stdout.write(`${JSON.stringify(await generateSigningJwk(alg))}\n`);
      return;
    case 'secret':
      process.stdout.write(`${generateRefreshTokenSecret()}\n`);
      return;
    default:
      process.stderr.write(`${USAGE}\n`);
      process.exitCode = 2;
  }
}

void main(process.argv.slice(2));
