import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { isUniqueViolation } from '../database/database-errors';
import { PasswordHasher } from './password-hasher';
import { UsersRepository } from './users.repository';

const DEMO_USER = { username: 'guang', password: '123456' } as const;

/**
 * Seeds the tutorial's demo user at start when SEED_DEMO_USER is on (the default outside
 * production). Its password is shorter than registration allows.
 */
@Injectable()
export class DemoUserSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.seedDemoUser && (await this.seed())) {
      this.logger.log(`seeded the demo user ${DEMO_USER.username}`);
    }
  }

  /** False when the user is there already. */
  private async seed(): Promise<boolean> {
    if (await this.users.findByUsername(DEMO_USER.username)) {
      return false;
    }
    try {
      await this.users.insert(
        DEMO_USER.username,
        await this.hasher.hash(DEMO_USER.password),
        Date.now(),
      );
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) {
        return false; // another instance seeded it first
      }
      throw error;
    }
  }
}
