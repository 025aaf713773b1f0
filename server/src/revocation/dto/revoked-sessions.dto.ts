import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export class RevokedSessionsQuery {
  @ApiPropertyOptional({
    description:
      'Epoch milliseconds: only sessions that ended at or after it. A follower sends the previous answer’s `until` minus 5000.',
    example: '1764633595123',
  })
  @IsOptional()
  @Matches(/^\d{1,16}$/, {
    message: 'since must be a whole non-negative number (epoch milliseconds)',
  })
  since?: string;
}

export class RevokedSessionsDto {
  @ApiProperty({
    description:
      'Ids (the `sid` claim) of the sessions that ended at or after `since` and within the last ACCESS_TOKEN_TTL: refuse access tokens that carry one',
    type: [String],
  })
  revoked: string[];

  @ApiProperty({
    description:
      'The server’s clock (epoch milliseconds) when this list was read from the database',
  })
  until: number;
}
