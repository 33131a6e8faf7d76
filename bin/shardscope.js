#!/usr/bin/env node
'use strict';
// The `shardscope` command. The TypeScript sources compile to out/ (npm run build).
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'out', 'electron', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write(`shardscope: not built yet (${entry} is missing); run: npm run build\n`);
  process.exit(2);
}
// `shardscope inspect … | head`: a reader that goes away is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
require(entry).main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`shardscope: internal error: ${err && err.stack ? err.stack : err}\n`); process.exitCode = 70; },
);
