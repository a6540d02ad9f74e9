import { type Input, optionalInteger } from './input.ts';

export const DEFAULT_PER_PAGE = 20;
export const MAX_PER_PAGE = 100;

export interface PageRequest {
  page: number;
  /** What the page holds: the request's `per_page`, at most 100. */
  perPage: number;
  /** `per_page` as asked for; the Link header repeats it unchanged. */
  requestedPerPage: number;
}

/** `page` below 1 is the first page; `per_page` below 1 the default, above 100 is 100. */
export function pageRequest(input: Input): PageRequest {
  const page = optionalInteger(input, 'page') ?? 1;
  const perPage = optionalInteger(input, 'per_page') ?? DEFAULT_PER_PAGE;
  const requestedPerPage = perPage > 0 ? perPage : DEFAULT_PER_PAGE;
  return { page: page > 0 ? page : 1, perPage: Math.min(requestedPerPage, MAX_PER_PAGE), requestedPerPage };
}

/** Where the Link header points: the request's URL with every parameter, page and per_page replaced. */
export interface LinkTarget {
  /** `http://127.0.0.1:<port>/api/v4/...` without a query. */
  url: string;
  /** Route and query parameters (decoded), as GitLab repeats them in its links. */
  params: Record<string, string>;
}

interface PageState {
  page: number;
  nextPage: number | undefined;
  prevPage: number | undefined;
  /** Absent for listings GitLab sends without counts (commits). */
  total?: number;
  totalPages?: number;
}

function pageHref(link: LinkTarget, request: PageRequest, page: number): string {
  const params: Record<string, string> = {
    ...link.params,
    page: String(page),
    per_page: String(request.requestedPerPage),
  };
  const query = new URLSearchParams(
    Object.keys(params)
      .sort()
      .map((key): [string, string] => [key, params[key] as string]),
  );
  return `${link.url}?${query}`;
}

function headersFor(state: PageState, request: PageRequest, link: LinkTarget): Record<string, string> {
  const links: string[] = [];
  if (state.prevPage !== undefined) links.push(`<${pageHref(link, request, state.prevPage)}>; rel="prev"`);
  if (state.nextPage !== undefined) links.push(`<${pageHref(link, request, state.nextPage)}>; rel="next"`);
  links.push(`<${pageHref(link, request, 1)}>; rel="first"`);
  if (state.totalPages !== undefined) {
    links.push(`<${pageHref(link, request, state.totalPages)}>; rel="last"`);
  }
  return {
    'x-per-page': String(request.perPage),
    'x-page': String(state.page),
    'x-next-page': state.nextPage === undefined ? '' : String(state.nextPage),
    'x-prev-page': state.prevPage === undefined ? '' : String(state.prevPage),
    link: links.join(', '),
    ...(state.total === undefined ? {} : { 'x-total': String(state.total) }),
    ...(state.totalPages === undefined ? {} : { 'x-total-pages': String(state.totalPages) }),
  };
}

export interface Page<T> {
  items: T[];
  headers: Record<string, string>;
}

/** Offset pagination with counts: a page past the end is empty and has neither next nor previous page. */
export function paginate<T>(all: readonly T[], request: PageRequest, link: LinkTarget): Page<T> {
  const totalPages = Math.max(Math.ceil(all.length / request.perPage), 1);
  const start = (request.page - 1) * request.perPage;
  const outOfRange = request.page > totalPages;
  const state: PageState = {
    page: request.page,
    nextPage: !outOfRange && request.page < totalPages ? request.page + 1 : undefined,
    prevPage: !outOfRange && request.page > 1 ? request.page - 1 : undefined,
    total: all.length,
    totalPages,
  };
  return { items: all.slice(start, start + request.perPage), headers: headersFor(state, request, link) };
}

/**
 * A page read without counting the whole listing (GitLab's commit list): no X-Total, X-Total-Pages or
 * rel="last"; a full page always announces a next one.
 */
export function pageWithoutCount<T>(items: T[], request: PageRequest, link: LinkTarget): Page<T> {
  const state: PageState = {
    page: request.page,
    nextPage: items.length >= request.perPage ? request.page + 1 : undefined,
    prevPage: request.page > 1 ? request.page - 1 : undefined,
  };
  return { items, headers: headersFor(state, request, link) };
}
