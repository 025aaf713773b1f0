import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class LogoutDto {
  @ApiPropertyOptional({
    description:
      'A refresh token of the session (current or already rotated), sent instead of a Bearer access token',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  refresh_token?: string;
}
