import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/config';
import { dataSourceOptions } from './data-source-options';

/**
 * The one connection pool (TypeORM's DataSource, injectable everywhere), its schema
 * brought up to date by the migrations at start. Each feature module declares its own
 * tables with `TypeOrmModule.forFeature`.
 */
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(config.database),
          autoLoadEntities: true,
          // Start fast and say why when the database is not there, rather than retrying for half a minute.
          retryAttempts: config.production ? 10 : 2,
          retryDelay: 1000,
        }),
      ],
    };
  }
}
