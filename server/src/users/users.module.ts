import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SessionsModule } from '../sessions/sessions.module';
import { DemoUserSeeder } from './demo-user.seeder';
import { PasswordHasher } from './password-hasher';
import { PasswordPolicy } from './password-policy';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/**
 * Accounts and their passwords: argon2id in worker threads behind an admission queue,
 * the password policy, and the demo user. A change to a user that must end their
 * sessions (a new password, a deletion) goes through SessionsModule, in its transaction.
 */
@Module({
  imports: [TypeOrmModule.forFeature([User]), SessionsModule],
  providers: [UsersService, UsersRepository, PasswordHasher, PasswordPolicy, DemoUserSeeder],
  exports: [UsersService, PasswordPolicy],
})
export class UsersModule {}
