import { Module } from '@nestjs/common';
import { DemoController } from './demo.controller';

/** The tutorial's /aaa and /bbb: one open route, one behind the access token. */
@Module({ controllers: [DemoController] })
export class DemoModule {}
