import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { describeForLog, errorResponseOf } from './framework-error-body';

/** The parts of an Express request/response the filter uses (the app runs on platform-express). */
interface HttpRequest {
  method?: string;
  url?: string;
}
interface HttpResponse {
  headersSent: boolean;
  status(code: number): { json(body: unknown): unknown };
}

/**
 * The global HTTP filter: every error leaves as `status` + `{ ok: false, error: { code, message, details } }`.
 * Register with `app.useGlobalFilters(new HttpExceptionFilter())` or `{ provide: APP_FILTER, useClass: HttpExceptionFilter }`.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private static readonly logger = new Logger('HttpErrors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const { status, body } = errorResponseOf(exception);
    const http = host.switchToHttp();
    if (status >= 500) {
      const request = http.getRequest<HttpRequest>();
      const { summary, stack } = describeForLog(exception);
      // path without the query string: queries can hold tokens or invite codes
      HttpExceptionFilter.logger.error(`${request.method} ${request.url?.split('?')[0]} failed: ${summary}`, stack);
    }
    const response = http.getResponse<HttpResponse>();
    if (response.headersSent) return;
    response.status(status).json(body);
  }
}
