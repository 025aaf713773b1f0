import { ApiProperty } from '@nestjs/swagger';

/** A user as the API shows one: never more than this (see toPublicUser). */
export class PublicUserDto {
  @ApiProperty()
  id: number;

  @ApiProperty()
  username: string;
}
