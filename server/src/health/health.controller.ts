import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../common/http/public.decorator';
import { RevocationSync, type RevocationHealth } from '../revocation/revocation-sync';

const PROBE_TIMEOUT_MS = 2000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly revocations: RevocationSync,
  ) {}

  @Public()
  @Get()
  @ApiOkResponse({
    description:
      '{ status: "ok", revocations: "current" }: the database (SQLite, MySQL/MariaDB or PostgreSQL, from DATABASE_URL) answered within 2 s; revocations "late" with `unreachable: ["redis"]` while sessions ended on other instances may reach this one late',
  })
  @ApiServiceUnavailableResponse({ description: 'The database is unreachable' })
  async check(): Promise<{ status: 'ok' } & RevocationHealth> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
      return { status: 'ok', ...this.revocations.health() };
    } catch {
      throw new ServiceUnavailableException(
        'Database unreachable: revocations from other instances may be late',
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
