import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';

/** `session.refresh`: go on with this newer token of mine, without reconnecting. */
export class SessionRefreshRequestDto {
  @ApiProperty({ description: "a newer access token of the socket's own person and role (a family guest: of the same session)" })
  @IsString()
  token!: string;
}
