// `shardscope ui [PATH]`: the desktop app's pages served to a browser from 127.0.0.1 with a
// token link (for checkpoints on a machine with no display), and `shardscope app [PATH]` /
// `shardscope open PATH`: the desktop app itself, when Electron's binary is there.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { describeError, toAppError } from '../../shared/errors';
import { packageRoot, recentFile, rendererDir } from '../app-service/locations';
import { type CliContext, EXIT_BAD_INPUT, EXIT_OK } from './context';
import { electronPackageDir, launchElectron, locateElectron, runElectronInstall } from './electron-binary';

/** Fixed, so an `ssh -L` line can be reused; the next few are tried when it is taken. */
export const DEFAULT_UI_PORT = 8765;
const PORT_ATTEMPTS = 10;

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535 (0 picks a free one)');
  return n;
}

function openInBrowser(url: string): void {
  const linuxWithoutDisplay = process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY'];
  if (linuxWithoutDisplay) return;
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd as string, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined); // no opener: the printed link is enough
    child.unref();
  } catch {
    // same
  }
}

function waitForStop(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function runUi(ctx: CliContext, target: string | undefined, opts: { port?: number; open: boolean }): Promise<void> {
  const initialPath = target === undefined ? null : path.resolve(target);
  if (initialPath !== null && !existsSync(initialPath)) {
    ctx.stderr.write(`shardscope ui: ${initialPath}: no such file or folder\n`);
    ctx.exitCode = EXIT_BAD_INPUT;
    return;
  }
  const root = packageRoot();
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const ports = opts.port !== undefined ? [opts.port] : [...Array(PORT_ATTEMPTS).keys()].map((i) => DEFAULT_UI_PORT + i).concat([0]);
  let serving;
  let lastError: unknown;
  for (const port of ports) {
    try {
      const { serveUi } = await import('../server/serve'); // the server's modules, for `ui` only
      serving = await serveUi({ port, rendererDir: rendererDir(root), initialPath, recentFile: recentFile(), version });
      break;
    } catch (e) {
      lastError = e;
      if ((e as { code?: string }).code !== 'EADDRINUSE') break;
    }
  }
  if (serving === undefined) {
    const inUse = (lastError as { code?: string }).code === 'EADDRINUSE';
    ctx.stderr.write(`shardscope ui: ${inUse ? `port ${opts.port} is in use; pick another with --port N (0 picks a free one)` : describeError(toAppError(lastError))}\n`);
    ctx.exitCode = EXIT_BAD_INPUT;
    return;
  }
  const { url, port } = serving.server;
  ctx.stdout.write(
    `Shardscope is serving ${initialPath ?? 'its start screen'} at\n\n    ${url}\n\n` +
      `On a machine without a display: ssh -L ${port}:127.0.0.1:${port} HOST, then open the link here.\n` +
      `Press Ctrl-C to stop.\n`,
  );
  if (opts.open) openInBrowser(url);
  await waitForStop();
  await serving.stop();
  ctx.exitCode = EXIT_OK;
}

async function runApp(ctx: CliContext, target: string | null): Promise<void> {
  const resolved = target === null ? null : path.resolve(target);
  if (resolved !== null && !existsSync(resolved)) {
    ctx.stderr.write(`shardscope: ${resolved}: no such file or folder\n`);
    ctx.exitCode = EXIT_BAD_INPUT;
    return;
  }
  const root = packageRoot();
  if (!existsSync(path.join(root, 'out', 'electron', 'main.js')) || !existsSync(path.join(rendererDir(root), 'index.html'))) {
    ctx.stderr.write('shardscope: the desktop app is not built; run: npm run build\n');
    ctx.exitCode = EXIT_BAD_INPUT;
    return;
  }
  const pkg = electronPackageDir();
  let found = locateElectron(pkg);
  if (found.binary === null && pkg !== null) {
    if (ctx.stderr.isTTY) ctx.stderr.write("Fetching Electron's binary (once)…\n");
    if (await runElectronInstall(pkg)) found = locateElectron(pkg);
  }
  if (found.binary === null) {
    const where = found.looked.length > 0 ? found.looked.join(', ') : 'node_modules/electron (the electron package is not installed)';
    ctx.stderr.write(
      `shardscope: Electron's binary is missing (looked in ${where}; set ELECTRON_OVERRIDE_DIST_PATH to its folder); \`shardscope ui${resolved !== null ? ` ${resolved}` : ''}\` serves the same app to a browser.\n`,
    );
    ctx.exitCode = EXIT_BAD_INPUT;
    return;
  }
  ctx.exitCode = await launchElectron(found.binary, root, resolved);
}

export function registerUi(program: Command, ctx: CliContext): void {
  program
    .command('ui')
    .description('serve the desktop app to a browser from 127.0.0.1, with a token link (for servers without a display)')
    .argument('[path]', 'a checkpoint folder or file to open first')
    .option('--port <n>', `port to listen on (default ${DEFAULT_UI_PORT}, or the next free one; 0 picks any)`, parsePort)
    .option('--no-open', 'print the link without opening a browser')
    .action((target: string | undefined, opts: { port?: number; open: boolean }) => runUi(ctx, target, opts));
  program
    .command('app')
    .description('start the desktop app (Electron)')
    .argument('[path]', 'a checkpoint folder or file to open')
    .action((target: string | undefined) => runApp(ctx, target ?? null));
  program
    .command('open')
    .description('open a checkpoint in the desktop app')
    .argument('<path>', 'a checkpoint folder or file')
    .action((target: string) => runApp(ctx, target));
}
