import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'guang' })
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  username: string;

  @ApiProperty({ example: '123456' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password: string;
}

export class RegisterDto {
  @ApiProperty({ example: 'alice', description: '3–50 characters of A-Z a-z 0-9 _ . -' })
  @IsString()
  @Length(3, 50)
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'username may contain only letters, digits, _ . and -' })
  username: string;

  @ApiProperty({ example: 'correct horse battery', description: '8–128 characters' })
  @IsString()
  @Length(8, 128)
  password: string;
}
