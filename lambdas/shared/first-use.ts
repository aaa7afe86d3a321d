/**
 * A value built the first time it is asked for, then kept for the life of the container (so across
 * invocations). SDK clients and adapters are made this way, each in a module of its own: a function's
 * bundle then holds only the clients its handler reaches, and a function only needs the variables and
 * grants of the adapters it asks for.
 *
 * The one way adapters reach a handler: it imports the accessors it uses
 * (`lambdas/adapters/accessors/`) and, inside the invocation, passes the domain an object of them,
 * e.g. `agreePlan({ cases: cases(), timeline: timeline(), workflow: workflow() }, …)`.
 */
export function firstUse<T>(build: () => T): () => T {
  let built = false;
  let value: T;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value;
  };
}
