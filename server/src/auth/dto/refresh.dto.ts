import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class RefreshDto {
  @ApiPropertyOptional({
    description:
      'The refresh token of the last token pair. Required, except in cookie mode (header Seamless-Session: cookie), where it must be absent: the token is the cookie',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  refresh_token?: string;
}
