import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';

/**
 * An optional `refresh_token` field: absent is allowed, anything present must be a token-sized
 * string. `@IsOptional()` would also let `null` through to the codec.
 */
export function OptionalRefreshToken(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description, type: String }),
    ValidateIf((_, value) => value !== undefined),
    IsString(),
    MinLength(1),
    MaxLength(512),
  );
}
