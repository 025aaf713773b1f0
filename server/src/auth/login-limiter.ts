import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

/**
 * Counts failed logins per (username, client IP) and says when the next attempt may
 * come. With REDIS_URL the counters are shared by every instance; while Redis is
 * unreachable each instance falls back to its own memory (rate-limiter-flexible's
 * insurance limiter), so logins keep working and the log says so once.
 */
@Injectable()
export class LoginLimiter implements OnModuleDestroy {
  private readonly logger = new Logger('LoginLimiter');
  private readonly limiter: RateLimiterAbstract;
  private readonly redis: Redis | undefined;
  private readonly maxAttempts: number;
  private redisDown = false;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.maxAttempts = config.loginMaxAttempts;
    const options = { points: config.loginMaxAttempts, duration: config.loginWindow };
    const memory = new RateLimiterMemory({ ...options, keyPrefix: 'login' });
    if (!config.redisUrl) {
      this.limiter = memory;
      return;
    }
    this.redis = new Redis(config.redisUrl, {
      // Fail at once while disconnected, so the insurance limiter answers instead of a hung login.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.redis.on('error', () => this.markRedis(false));
    this.redis.on('ready', () => this.markRedis(true));
    this.limiter = new RateLimiterRedis({
      ...options,
      storeClient: this.redis,
      keyPrefix: `${config.redisKeyPrefix}login`,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  }

  /** Seconds to wait before another attempt for this key, or undefined when one is allowed now. */
  async retryAfter(key: string): Promise<number | undefined> {
    const state = await this.limiter.get(key);
    if (state && state.consumedPoints >= this.maxAttempts) {
      return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
    }
    return undefined;
  }

  /** Counts a failure; the seconds of the lock when this one used up the limit, else undefined. */
  async recordFailure(key: string): Promise<number | undefined> {
    const state = await this.limiter.penalty(key, 1);
    return state.consumedPoints === this.maxAttempts
      ? Math.max(1, Math.ceil(state.msBeforeNext / 1000))
      : undefined;
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }

  private markRedis(up: boolean): void {
    if (up && this.redisDown) {
      this.logger.log('Redis is back: login rate limits are shared again');
    } else if (!up && !this.redisDown) {
      this.logger.warn(
        'Redis unreachable: login rate limits are counted per instance until it returns',
      );
    }
    this.redisDown = !up;
  }
}
