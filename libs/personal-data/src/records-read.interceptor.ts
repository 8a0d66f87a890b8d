import { Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { concatMap, type Observable } from 'rxjs';
import type { Actor } from '@haven/domain';
import { ReadsRecorder } from './reads-recorder';

const RECORDS_READ = 'haven:records-read';

interface RecordsReadOptions {
  what: string;
  subjectsOf: (data: any) => Iterable<string | null | undefined>;
}

/**
 * Marks an HTTP read whose answer names people: when staff read it, who it named is recorded in the log
 * (PersonalDataRead) before the answer is sent, and a failure to record fails the read. `subjectsOf` gets the answer's
 * `data` and gives the user ids it names; the route's path params are kept with the record.
 */
export const RecordsRead = (what: string, subjectsOf: RecordsReadOptions['subjectsOf']) =>
  SetMetadata(RECORDS_READ, { what, subjectsOf } satisfies RecordsReadOptions);

/** Registered globally; does nothing for a handler without @RecordsRead. */
@Injectable()
export class RecordsReadInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly recorder: ReadsRecorder,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.get<RecordsReadOptions | undefined>(RECORDS_READ, context.getHandler());
    if (!options || context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<{ actor?: Actor; params?: Record<string, string> }>();
    return next.handle().pipe(
      concatMap(async (answer: { data?: unknown }) => {
        const subjects = [...options.subjectsOf(answer?.data)].filter((id): id is string => typeof id === 'string');
        if (request.actor) await this.recorder.record(request.actor, { what: options.what, params: { ...request.params }, subjects });
        return answer;
      }),
    );
  }
}
