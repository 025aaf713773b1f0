import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token of the last token pair' })
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  refresh_token: string;
}
