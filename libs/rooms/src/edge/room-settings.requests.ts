import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { CharLength } from '@haven/edge';
import { JOIN_RULES, ROOM_KINDS, type JoinRule, type RoomKind } from '../domain/room.commands';
import { CommandRequest, RoomCommandRequest } from './command.request';

export class CreateRoomRequest extends CommandRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'defaults to an id derived from commandId' })
  @IsOptional()
  @IsUUID()
  roomId?: string;

  @ApiProperty() @IsString() @CharLength(1, 100) name!: string;
  @ApiProperty() @IsString() @CharLength(0, 500) topic!: string;
  @ApiProperty({ enum: ROOM_KINDS }) @IsIn(ROOM_KINDS) kind!: RoomKind;
  @ApiProperty({ minimum: 2, maximum: 500 }) @IsInt() @Min(2) @Max(500) capacity!: number;
  @ApiProperty({ enum: JOIN_RULES }) @IsIn(JOIN_RULES) joinRule!: JoinRule;
}

export class RenameRoomRequest extends RoomCommandRequest {
  @ApiProperty() @IsString() @CharLength(1, 100) name!: string;
}

export class ChangeTopicRequest extends RoomCommandRequest {
  @ApiProperty() @IsString() @CharLength(0, 500) topic!: string;
}

export class ChangeJoinRuleRequest extends RoomCommandRequest {
  @ApiProperty({ enum: JOIN_RULES }) @IsIn(JOIN_RULES) joinRule!: JoinRule;
}

/** ArchiveRoom, JoinRoom, LeaveRoom, LockRoom without reason...: a room and a command id, nothing more */
export class RoomOnlyRequest extends RoomCommandRequest {}

export class TargetUserRequest extends RoomCommandRequest {
  @ApiProperty() @IsString() @Length(1, 200) userId!: string;
}

export class SetAgreementRequest extends RoomCommandRequest {
  @ApiPropertyOptional({ description: "the group's agreement, 1 to 2000 characters; left out (or null): the room has none from now on" })
  @IsOptional()
  @IsString()
  @CharLength(1, 2000)
  text?: string | null;
}

export class AcceptAgreementRequest extends RoomCommandRequest {
  @ApiProperty({ description: 'the version read (GET /rooms/:roomId/agreement, or the AgreementSet event)', minimum: 1 }) @IsInt() @Min(1) version!: number;
}
