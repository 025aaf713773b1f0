import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { benchUser, DEMO_USER, type Credentials } from '../src/users';
import { AppModule } from './app.module';
import { User } from './user/entity/user.entity';

/**
 * Inserts the tutorial's demo user (the tutorial does it by hand in MySQL Workbench)
 * and BENCH_USERS benchmark users, with plain-text passwords as the tutorial stores them.
 */
async function seed(dataSource: DataSource, benchUsers: number): Promise<void> {
  const wanted: Credentials[] = [DEMO_USER];
  for (let i = 0; i < benchUsers; i++) {
    wanted.push(benchUser(i));
  }
  const repository = dataSource.getRepository(User);
  for (const credentials of wanted) {
    const existing = await repository.findOne({ where: { username: credentials.username } });
    if (!existing) {
      await repository.insert(credentials);
    }
  }
}

async function bootstrap(): Promise<void> {
  const port = Number(process.env.PORT ?? '3000');
  const benchUsers = Number(process.env.BENCH_USERS ?? '0');
  // Errors only: the tutorial's default logger prints nothing per request either.
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.enableCors();
  await seed(app.get(DataSource), benchUsers);
  await app.listen(port, '127.0.0.1');
  console.log(`Comparator listening on http://127.0.0.1:${port}`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
