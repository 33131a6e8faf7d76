// `shardscope`: the command line front end. It calls the same services as the desktop app,
// directly, with no IPC and no Electron, so it runs on a GPU server with no display.

import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { type CliContext, EXIT_BAD_INPUT } from './context';
import { registerInspect } from './inspect';
import { registerConvert } from './convert';
import { registerDiff } from './diff';
import { registerUi } from './ui';

export async function main(argv: readonly string[], io?: Partial<Pick<CliContext, 'stdout' | 'stderr'>>): Promise<number> {
  const ctx: CliContext = { stdout: io?.stdout ?? process.stdout, stderr: io?.stderr ?? process.stderr, exitCode: 0 };
  const program = new Command('shardscope')
    .description('See, convert and compare PyTorch Distributed Checkpoints and safetensors, without Python.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    .showHelpAfterError('(run `shardscope --help` for usage)');
  registerInspect(program, ctx);
  registerConvert(program, ctx);
  registerDiff(program, ctx);
  registerUi(program, ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; usage errors have already printed their one line.
      return e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    }
    throw e;
  }
  return ctx.exitCode;
}

/** package.json's version, found from here both in electron/cli (tests) and out/electron/cli. */
function readVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const p = path.join(dir, 'package.json');
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'shardscope' && pkg.version) return pkg.version;
    }
  }
  return 'unknown';
}

const VERSION = readVersion();
