import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CONVERSATION_PORTS, type ConversationPort } from './conversation-port';
import { EscalationProcessor } from './escalation.processor';
import type { SafetyConfig } from './safety-config';
import { SafetyPagerProcessor } from './safety-pager.processor';
import { SafetyController } from './safety.controller';
import { SafetyGateway } from './safety.gateway';
import { SAFETY_CONFIG, SafetyService } from './safety.service';

/**
 * The crisis path. Global, because every conversation's gateway runs its screening step; each conversation kind
 * brings its ConversationPort here, and its HELD_MESSAGE_RELEASE provider from its own (global) module.
 */
@Global()
@Module({})
export class SafetyModule {
  static forRoot(options: { config: SafetyConfig; ports: ConversationPort[] }): DynamicModule {
    return {
      module: SafetyModule,
      controllers: [SafetyController],
      providers: [
        { provide: SAFETY_CONFIG, useValue: options.config },
        { provide: CONVERSATION_PORTS, useValue: options.ports },
        SafetyService,
        EscalationProcessor,
        SafetyPagerProcessor,
        SafetyGateway,
      ],
      exports: [SafetyService],
    };
  }
}
