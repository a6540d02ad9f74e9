import { type Envelope, unhandledKind } from './envelope.ts';

/** The parser of each detail-type a function takes, keyed by that detail-type. */
export type DetailParsers = Readonly<Record<string, (envelope: Envelope) => unknown>>;

/**
 * One event a function takes: `kind` is its detail-type and discriminates the union, `detail` is
 * what that kind's parser read, `envelope` the EventBridge fields around it.
 */
export type EventOf<P extends DetailParsers> = {
  [K in keyof P & string]: { kind: K; detail: ReturnType<P[K]>; envelope: Envelope };
}[keyof P & string];

/** A parser of a function's events: the union of `parsers`, by detail-type. */
export type EventUnion<P extends DetailParsers> = (envelope: Envelope) => EventOf<P>;

/**
 * The parser of a function's events: the envelope's detail-type picks the parser, and the result
 * is one member of a union a route can `switch` on. A detail-type not in `parsers` is rejected,
 * naming those that are.
 */
export function eventUnion<P extends DetailParsers>(parsers: P): EventUnion<P> {
  const kinds = Object.keys(parsers);
  return (envelope) => {
    const parser = Object.hasOwn(parsers, envelope.detailType) ? parsers[envelope.detailType] : undefined;
    if (parser === undefined) throw unhandledKind(envelope, kinds);
    return { kind: envelope.detailType, detail: parser(envelope), envelope } as EventOf<P>;
  };
}
