import { appVersion } from '../services/version';
import {
  auditUsage,
  backupUsage,
  calcUsage,
  checkUsage,
  demoUsage,
  interrogateUsage,
  restoreUsage,
  usersUsage,
} from './usage';
import { EXIT, UsageError, processIo, type ExitCode, type Io } from './output';

const USAGE = `pumpctl ${appVersion}: the command line of the intrathecal pump programmer

Usage:
  ${[calcUsage, checkUsage, interrogateUsage, auditUsage, demoUsage, backupUsage, restoreUsage, usersUsage].map((u) => u.split('\n').join('\n  ')).join('\n  ')}
  pumpctl --version
  pumpctl --help

Exit codes: 0 success, 1 usage error, 2 invalid input or a limit breached,
3 wand/pump communication failure, 4 integrity failure, 5 audit trail unverifiable without its key.`;

export async function run(argv: string[], io: Io): Promise<ExitCode> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      // Each command is loaded only when used: a calculation never loads the database or USB code.
      case 'calc':
        return await (await import('./commands/calc')).calcCommand(rest, io);
      case 'check':
        return await (await import('./commands/check')).checkCommand(rest, io);
      case 'audit':
        return await (await import('./commands/audit')).auditCommand(rest, io);
      case 'backup':
        return await (await import('./commands/backup')).backupCommand(rest, io);
      case 'demo':
        return await (await import('./commands/demo')).demoCommand(rest, io);
      case 'restore':
        return await (await import('./commands/restore')).restoreCommand(rest, io);
      case 'users':
        return await (await import('./commands/users')).usersCommand(rest, io);
      case 'interrogate':
        return await (await import('./commands/interrogate')).interrogateCommand(rest, io);
      case '--version':
        io.out(`${appVersion}\n`);
        return EXIT.ok;
      case '--help':
      case 'help':
        io.out(`${USAGE}\n`);
        return EXIT.ok;
      case undefined:
        io.err(`${USAGE}\n`);
        return EXIT.usage;
      default:
        io.err(`pumpctl: unknown command "${command}"\n\n${USAGE}\n`);
        return EXIT.usage;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`pumpctl: ${e.message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}

run(process.argv.slice(2), processIo).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`pumpctl: unexpected error: ${(e as Error).message}\n`);
    process.exit(EXIT.invalid);
  },
);
