// This folder is the tutorial's server, kept as the tutorial wrote it (bench/README.md,
// "tutorial"), so its repetitions are deliberate: the benchmark measures that code.
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppController } from './app.controller';
import { AppService } from './app.service';
import { databaseOptions } from './database';
import { UserModule } from './user/user.module';

@Module({
  imports: [
    TypeOrmModule.forRoot(databaseOptions(process.env.DATABASE_URL ?? 'sqlite::memory:')),
    JwtModule.register({
      global: true,
      signOptions: {
        expiresIn: '30m',
      },
      secret: 'guang',
    }),
    UserModule,
  ],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
