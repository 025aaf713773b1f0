import { Global, Module } from '@nestjs/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { KeysController } from './keys.controller';
import { KeysService } from './keys.service';

@Global()
@Module({
  controllers: [KeysController],
  providers: [
    {
      provide: KeysService,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => KeysService.create(config),
    },
  ],
  exports: [KeysService],
})
export class KeysModule {}
