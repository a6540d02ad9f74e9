import { spawn } from 'node:child_process';
import { freePort } from './free-port.ts';

/** A running `moto_server` (the AWS emulator, installed with `pip install 'moto[server]'`). */
export interface MotoServer {
  endpoint: string;
  /** Stops the server; safe to call more than once. */
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 30_000;

/**
 * Set by the test run's global setup (test/support/global-setup.ts) to the one moto_server every
 * test file shares; files keep apart by naming their resources uniquely.
 */
export const SHARED_MOTO_ENV = 'FLOWKEEPER_TEST_MOTO_ENDPOINT';

/**
 * The run's shared moto_server when the global setup started one (its `stop()` leaves it running
 * for the other files), else a server of this caller's own ({@link spawnMoto}).
 */
export async function startMoto(): Promise<MotoServer> {
  const shared = process.env[SHARED_MOTO_ENV];
  if (shared) return { endpoint: shared, stop: async () => {} };
  return spawnMoto();
}

/**
 * Start moto's server on a free local port and wait until it answers. The server runs in its own
 * process group, which `stop()` ends (and, failing that, the exit of this process).
 */
export async function spawnMoto(): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(`moto_server exited (${signal ?? code}): ${output}`));
    child.once('error', (error) =>
      resolve(`cannot start moto_server (pip install 'moto[server]'): ${error.message}`),
    );
  });

  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const killOnExit = () => signalGroup('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const forced = setTimeout(() => signalGroup('SIGKILL'), 5_000);
    signalGroup('SIGTERM');
    await exited;
    clearTimeout(forced);
  };

  try {
    await waitUntilAnswering(endpoint, exited);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
}

async function waitUntilAnswering(endpoint: string, exited: Promise<string>): Promise<void> {
  let failure: string | undefined;
  void exited.then((reason) => {
    failure = reason;
  });
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (failure) throw new Error(failure);
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${STARTUP_TIMEOUT_MS / 1000} s`);
}

/** An SSM parameter as the given credentials see it (moto keeps each account's parameters apart); undefined when absent. */
export async function parameterSeenBy(
  moto: MotoServer,
  region: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  name: string,
): Promise<string | undefined> {
  const { GetParameterCommand, SSMClient } = await import('@aws-sdk/client-ssm');
  const ssm = new SSMClient({ endpoint: moto.endpoint, region, credentials });
  try {
    return (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
  } catch (error) {
    if (error instanceof Error && error.name === 'ParameterNotFound') return undefined;
    throw error;
  } finally {
    ssm.destroy();
  }
}
