import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, concatMap, from, throwError, type Observable } from 'rxjs';
import { DomainError } from '@haven/domain';
import { PERSONAL_DATA, type PersonalData } from './personal-data';

/**
 * Every answer, HTTP or socket ack, leaves with its sealed values opened (or null, erased). Registered globally, which
 * Nest applies to gateways as well. A refusal's details can carry one too (a mute's reason), so they are opened before
 * the exception filters write them.
 */
@Injectable()
export class RevealPersonalDataInterceptor implements NestInterceptor {
  constructor(@Inject(PERSONAL_DATA) private readonly personalData: PersonalData) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      concatMap((answer) => this.personalData.reveal(answer)),
      catchError((error: unknown) => from(this.revealDetails(error)).pipe(concatMap(() => throwError(() => error)))),
    );
  }

  private async revealDetails(error: unknown): Promise<void> {
    if (!(error instanceof DomainError)) return;
    Object.assign(error.details, await this.personalData.reveal(error.details));
  }
}
