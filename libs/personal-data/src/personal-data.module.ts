import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AdminsSeen } from './admins-seen';
import { MyErasureRequestController, PeopleController } from './people.controller';
import { PeopleService } from './people.service';
import { ReadsRecorder } from './reads-recorder';
import { RecordsReadInterceptor } from './records-read.interceptor';
import { RevealPersonalDataInterceptor } from './reveal-personal-data.interceptor';

/**
 * Erasure and export over HTTP, the opening of sealed values in every answer, and the record of staff reads of others'
 * records (@RecordsRead). PERSONAL_DATA comes with the storage.
 */
@Module({
  controllers: [PeopleController, MyErasureRequestController],
  providers: [
    PeopleService,
    AdminsSeen,
    ReadsRecorder,
    { provide: APP_INTERCEPTOR, useClass: RevealPersonalDataInterceptor },
    { provide: APP_INTERCEPTOR, useClass: RecordsReadInterceptor },
  ],
})
export class PersonalDataModule {}
