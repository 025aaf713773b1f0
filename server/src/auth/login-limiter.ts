import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { DomainError, type DomainErrorCode } from '../common/errors/domain-error';
import { addressBucket } from '../common/http/client-address';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

const HOUR_SECONDS = 3600;

/** A password check that has been counted before it runs; the caller says how it ended. */
export interface LoginAttempt {
  /** The password was right: the attempt is given back, so signing in does not use up the limit. */
  succeeded(): Promise<void>;
  /**
   * The password was wrong: the attempt stays counted. Returns the seconds of the lock
   * when this attempt was the last one the limit allowed, else undefined.
   */
  failed(): number | undefined;
  /** No password was checked after all (503, database down): the attempt is given back. */
  cancelled(): Promise<void>;
}

/** A registration counted before its password is hashed. */
export interface RegistrationSlot {
  /** Nothing was hashed (503): the slot is given back. */
  cancelled(): Promise<void>;
}

/**
 * The limits in front of every password check and registration:
 *
 * - password checks per (username, client address) per LOGIN_WINDOW;
 * - failed password checks per client address per LOGIN_WINDOW, whatever the username;
 * - registrations per client address per hour.
 *
 * Each is reserved atomically *before* the argon2 work (rate-limiter-flexible's
 * `consume`, an increment in memory or in Redis), so a burst of parallel guesses gets
 * no more checks than the limit; a successful check gives its reservation back (the
 * per-name one only when no other attempt raced it).
 * Addresses count as their {@link addressBucket} (an IPv6 /64 as one). With REDIS_URL
 * the counters are shared by every instance; while Redis is unreachable each instance
 * falls back to its own memory (the insurance limiter), so logins keep working and the
 * log says so once.
 */
@Injectable()
export class LoginLimiter implements OnModuleDestroy {
  private readonly logger = new Logger('LoginLimiter');
  private readonly perUser: RateLimiterAbstract;
  private readonly perAddress: RateLimiterAbstract;
  private readonly registrations: RateLimiterAbstract;
  private readonly redis: Redis | undefined;
  private redisDown = false;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (config.redisUrl) {
      this.redis = new Redis(config.redisUrl, {
        // Fail at once while disconnected, so the insurance limiter answers instead of a hung login.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 2000,
        retryStrategy: (times) => Math.min(times * 200, 2000),
      });
      this.redis.on('error', () => this.markRedis(false));
      this.redis.on('ready', () => this.markRedis(true));
    }
    const limiter = (name: string, points: number, duration: number): RateLimiterAbstract => {
      const memory = new RateLimiterMemory({ points, duration, keyPrefix: name });
      if (!this.redis) {
        return memory;
      }
      return new RateLimiterRedis({
        points,
        duration,
        storeClient: this.redis,
        keyPrefix: `${config.redisKeyPrefix}${name}`,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      });
    };
    this.perUser = limiter('login', config.loginMaxAttempts, config.loginWindow);
    this.perAddress = limiter('login-ip', config.loginIpMaxAttempts, config.loginWindow);
    this.registrations = limiter('register', config.registerMaxPerIp, HOUR_SECONDS);
  }

  /**
   * Counts a password check for `usernameKey` from `address`, or throws `rate_limited`
   * (429, Retry-After) when either limit is spent. A refused attempt counts nowhere.
   */
  async reserveLogin(usernameKey: string, address: string | undefined): Promise<LoginAttempt> {
    const bucket = addressBucket(address);
    const userKey = `${usernameKey}|${bucket}`;
    await consumeOrRefuse(this.perAddress, bucket, 'rate_limited');
    let reserved: RateLimiterRes;
    try {
      reserved = await consumeOrRefuse(this.perUser, userKey, 'rate_limited');
    } catch (error) {
      await this.perAddress.reward(bucket, 1);
      throw error;
    }
    const giveBack = async () => {
      await Promise.all([this.perUser.reward(userKey, 1), this.perAddress.reward(bucket, 1)]);
    };
    return {
      succeeded: async () => {
        // A burst stays counted: had the right password's slot been freed while the rest
        // of a burst for this name and address was still arriving, the burst would have
        // got one more check than the limit. Only a login nobody raced gives its slot back.
        const now = await this.perUser.get(userKey);
        if (now !== null && now.consumedPoints === reserved.consumedPoints) {
          await this.perUser.reward(userKey, 1);
        }
        await this.perAddress.reward(bucket, 1);
      },
      failed: () =>
        reserved.remainingPoints === 0
          ? Math.max(1, Math.ceil(reserved.msBeforeNext / 1000))
          : undefined,
      cancelled: giveBack,
    };
  }

  /** Counts a registration from `address`, or throws `registration_limited` (429, Retry-After). */
  async reserveRegistration(address: string | undefined): Promise<RegistrationSlot> {
    const bucket = addressBucket(address);
    await consumeOrRefuse(this.registrations, bucket, 'registration_limited');
    return {
      cancelled: async () => {
        await this.registrations.reward(bucket, 1);
      },
    };
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

/** rate-limiter-flexible rejects with a RateLimiterRes when the points are spent. */
async function consumeOrRefuse(
  limiter: RateLimiterAbstract,
  key: string,
  code: DomainErrorCode,
): Promise<RateLimiterRes> {
  try {
    return await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      throw new DomainError(code, Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
    }
    throw error;
  }
}
