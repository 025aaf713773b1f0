import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../../users/password-policy';
import { USERNAME_PATTERN } from '../../users/username';

const USERNAME_RULE = '3–50 characters of A-Z a-z 0-9 _ . -';
/** A password of 128 characters is at most 256 UTF-16 units; the policy counts characters. */
const PASSWORD_MAX_UNITS = 2 * PASSWORD_MAX_LENGTH;
const TOO_LONG = { message: `password must be at most ${PASSWORD_MAX_LENGTH} characters` };

export class LoginDto {
  // The rule registration applies: any other spelling is refused here, before any
  // hashing, so that no collation or case folding can map it onto a real account.
  @ApiProperty({ example: 'guang', description: USERNAME_RULE })
  @IsString()
  @Matches(USERNAME_PATTERN, { message: `username must be ${USERNAME_RULE}` })
  username: string;

  @ApiProperty({ example: '123456' })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX_UNITS, TOO_LONG)
  password: string;
}

export class RegisterDto {
  @ApiProperty({ example: 'alice', description: USERNAME_RULE })
  @IsString()
  @Matches(USERNAME_PATTERN, { message: `username must be ${USERNAME_RULE}` })
  username: string;

  @ApiProperty({
    example: 'correct horse battery',
    description:
      'PASSWORD_MIN_LENGTH (8 by default) to 128 characters; not the username, not one character repeated, not a common or breached password',
  })
  @IsString()
  @MaxLength(PASSWORD_MAX_UNITS, TOO_LONG)
  password: string;
}

export class ChangePasswordDto {
  @ApiProperty({ example: 'correct horse battery' })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX_UNITS, TOO_LONG)
  current_password: string;

  @ApiProperty({
    example: 'a brand new passphrase',
    description: 'The same rules as at registration',
  })
  @IsString()
  @MaxLength(PASSWORD_MAX_UNITS, TOO_LONG)
  new_password: string;
}
