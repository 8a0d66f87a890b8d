import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { describeForLog, errorResponseOf } from './framework-error-body';
import { replyWithError } from './ws-reply';

/**
 * The gateway filter (`@UseFilters(new WsExceptionFilter())`; Nest applies no global filter to gateways):
 * a failed message is answered through its ack as `{ ok: false, error }`, or an `error` event without one.
 * The socket stays connected and the process stays up, whatever was thrown.
 */
@Catch()
export class WsExceptionFilter implements ExceptionFilter {
  private static readonly logger = new Logger('WsErrors');

  catch(exception: unknown, host: ArgumentsHost): void {
    try {
      const { status, body } = errorResponseOf(exception);
      if (status >= 500) {
        const { summary, stack } = describeForLog(exception);
        WsExceptionFilter.logger.error(`socket message ${describePattern(host)} failed: ${summary}`, stack);
      }
      replyWithError(host.getArgs(), body);
    } catch (replyFailure) {
      // e.g. the socket closed mid-reply: nothing to tell the client, and the process must not fall over
      WsExceptionFilter.logger.error(`could not reply to a failed socket message: ${describeForLog(replyFailure).summary}`);
    }
  }
}

function describePattern(host: ArgumentsHost): string {
  const pattern: unknown = host.getArgs().at(-1);
  return typeof pattern === 'string' ? `'${pattern}'` : '(unknown)';
}
