import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SessionsService } from './sessions.service';

const HOUSEKEEPING_INTERVAL_MS = 60 * 60 * 1000;

/** Every hour, deletes the sessions that ended longer ago than they are kept. */
@Injectable()
export class SessionHousekeeping implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly sessions: SessionsService) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sessions.deleteOldEnded().catch(() => undefined);
    }, HOUSEKEEPING_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
