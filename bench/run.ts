import { parseArgs } from 'node:util';
import { auditAppendBench, auditQueryBench, auditVerifyBench } from './audit';
import { encryptedAppendBench, encryptedVerifyBench } from './encryption';
import { cliStartBench, validateProgramBench } from './clinical';
import { runAll } from './harness';
import { codecBench, interrogateWandBench, programWandBench } from './wand';
import { interrogateThroughApi } from './interrogate';
import { webHostStart } from './web-host';
import { bundleBench, ttiBench } from './renderer';
import { auditLongTaskBench, auditRowsBench } from './renderer-audit-viewer';
import { safetyCheckBench } from './safety';

// `npm run bench [-- --filter TEXT] [--json FILE] [--smoke]`: each line is a figure beside a
// baseline measured in the same run, so results compare across machines by their ratio.
// --smoke runs every benchmark once at its smallest size: it proves they run, nothing more.
const { values } = parseArgs({
  options: { filter: { type: 'string' }, json: { type: 'string' }, smoke: { type: 'boolean' } },
});

runAll(
  [
    webHostStart,
    interrogateThroughApi,
    validateProgramBench,
    safetyCheckBench,
    cliStartBench,
    codecBench,
    interrogateWandBench,
    programWandBench,
    auditAppendBench,
    auditVerifyBench,
    auditQueryBench,
    encryptedAppendBench,
    encryptedVerifyBench,
    bundleBench,
    ttiBench,
    auditRowsBench,
    auditLongTaskBench,
  ],
  { filter: values.filter, json: values.json, smoke: values.smoke },
).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`benchmark failed: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
