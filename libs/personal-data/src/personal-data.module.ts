import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { PeopleController } from './people.controller';
import { PeopleService } from './people.service';
import { RevealPersonalDataInterceptor } from './reveal-personal-data.interceptor';

/** Erasure and export over HTTP, and the opening of sealed values in every answer. PERSONAL_DATA comes with the storage. */
@Module({
  controllers: [PeopleController],
  providers: [PeopleService, { provide: APP_INTERCEPTOR, useClass: RevealPersonalDataInterceptor }],
})
export class PersonalDataModule {}
