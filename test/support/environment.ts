let turn: Promise<void> = Promise.resolve();

/**
 * Run `work` with `env` set in this process's environment, restored afterwards. Runs take turns,
 * since the code they run (the CLI, a handler's container, the SDK's clients) reads the
 * environment while it works.
 */
export async function withEnvironment<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const previous = turn;
  let done = (): void => undefined;
  turn = new Promise<void>((resolve) => {
    done = resolve;
  });
  await previous;
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return await work();
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    done();
  }
}
