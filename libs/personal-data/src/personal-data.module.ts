import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ErasureController } from './erasure.controller';
import { ErasureService } from './erasure.service';
import { RevealPersonalDataInterceptor } from './reveal-personal-data.interceptor';

/** Erasure over HTTP, and the opening of sealed values in every answer. PERSONAL_DATA comes with the storage. */
@Module({
  controllers: [ErasureController],
  providers: [ErasureService, { provide: APP_INTERCEPTOR, useClass: RevealPersonalDataInterceptor }],
})
export class PersonalDataModule {}
