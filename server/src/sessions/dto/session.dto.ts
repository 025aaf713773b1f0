import { ApiProperty } from '@nestjs/swagger';

/** One of the user's sessions, as GET /user/sessions lists it. */
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
