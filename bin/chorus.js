#!/usr/bin/env node
// The `chorus` command: runs the built CLI (dist/). It builds once when dist/ is missing or older
// than the sources (a fresh clone, or after a pull), never on every run.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'dist', 'src', 'cli', 'index.js');

function newestMtime(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function isStale() {
  if (!fs.existsSync(entry)) return true;
  const built = fs.statSync(entry).mtimeMs;
  return ['src', 'migrations'].some((d) => fs.existsSync(path.join(root, d)) && newestMtime(path.join(root, d)) > built);
}

if (isStale()) {
  process.stderr.write('Building Chorus (the sources are newer than dist/; this happens once)…\n');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  // tsc leaves unchanged outputs alone; touch the entry so the next run sees a fresh build.
  const now = new Date();
  fs.utimesSync(entry, now, now);
}

require(entry).runCli(process.argv.slice(2)).then((code) => process.exit(code));
