import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { ConfigError, loadConfig } from '../config/config';
import { createLogger, NestPinoLogger } from '../logging/logger';
import { UsersService } from './users.service';

const USAGE = `usage: node server/dist/src/users/users.cli.js delete <username>

  delete <username>   delete the user and end their sessions on every instance at once

Run it with the server's environment (DATABASE_URL, REDIS_URL, REDIS_KEY_PREFIX, keys).`;

async function main(argv: string[]): Promise<number> {
  const [command, username] = argv;
  if (command !== 'delete' || !username || argv.length !== 2) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  // An operator's command changes no account but the one it names.
  const config = { ...loadConfig(), seedDemoUser: false };
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: new NestPinoLogger(createLogger(config.logLevel)),
  });
  try {
    if (!(await app.get(UsersService).delete(username))) {
      process.stderr.write(`no user named ${username}\n`);
      return 1;
    }
    process.stdout.write(`deleted ${username}; their sessions ended\n`);
    return 0;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      error instanceof ConfigError || error instanceof Error
        ? `${error.message}\n`
        : `${String(error)}\n`,
    );
    process.exit(1);
  },
);
