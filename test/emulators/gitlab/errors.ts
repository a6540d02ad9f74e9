/** A refusal with GitLab's status, JSON body and extra headers. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    super(typeof body.message === 'string' ? body.message : JSON.stringify(body));
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** `render_api_error!`: the message as given, under `message`. */
export const apiError = (status: number, message: string): ApiError => new ApiError(status, { message });

/** `not_found!('Commit')` → `404 Commit Not Found`. */
export const notFound = (resource: string): ApiError => apiError(404, `404 ${resource} Not Found`);

/** An `ActiveRecord::RecordNotFound` (merge request, remote mirror): GitLab's generic 404. */
export const recordNotFound = (): ApiError => apiError(404, '404 Not found');

/** `bad_request!(reason)`. */
export const badRequest = (reason: string): ApiError => apiError(400, `400 Bad request - ${reason}`);

/** A parameter that fails validation answers `{"error": "<name> is missing"}` and the like. */
export const invalidParameter = (text: string): ApiError => new ApiError(400, { error: text });
