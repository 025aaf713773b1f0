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

export class PublicUserDto {
  @ApiProperty()
  id: number;

  @ApiProperty()
  username: string;
}

export class SessionDto {
  @ApiProperty()
  id: string;

  @ApiProperty()
  createdAt: string;

  @ApiProperty()
  lastUsedAt: string;

  @ApiProperty({ nullable: true, type: String })
  userAgent: string | null;

  @ApiProperty({ nullable: true, type: String })
  ip: string | null;

  @ApiProperty({ description: 'The session of the token that asked' })
  current: boolean;
}
