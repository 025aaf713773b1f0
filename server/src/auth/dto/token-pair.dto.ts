import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class TokenPairDto {
  @ApiProperty({ description: 'JWT (ES256 by default), typ at+jwt' })
  access_token: string;

  @ApiPropertyOptional({
    description:
      'Opaque; rotated on every refresh. Absent in cookie mode: the token is then only in the httpOnly cookie __Secure-seamless-refresh, never in a body',
  })
  refresh_token?: string;

  @ApiProperty({ example: 'Bearer' })
  token_type: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires' })
  expires_in: number;

  @ApiProperty({ description: 'Seconds until the refresh token expires unless used' })
  refresh_expires_in: number;
}
