import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { SeamlessModule } from '@seamless/nest';
import { OrdersController } from './orders.controller';

/**
 * Every route is guarded by Seamless access tokens; the issuer and audience come from
 * the environment through ConfigService (SEAMLESS_ISSUER, SEAMLESS_AUDIENCE).
 */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    SeamlessModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        issuer: config.getOrThrow<string>('SEAMLESS_ISSUER'),
        audience: config.get<string>('SEAMLESS_AUDIENCE', 'orders'),
      }),
    }),
  ],
  controllers: [OrdersController],
})
export class AppModule {}
