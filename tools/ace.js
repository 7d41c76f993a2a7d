#!/usr/bin/env node
// DAISY Ace on EPUB files, through its puppeteer runner (the `ace` command needs Electron).
// Usage: PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium node tools/ace.js BOOK.epub ...
// Prints one JSON array: for each EPUB, every failed Ace assertion (rule, impact, document, where).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const ace = require('@daisy/ace-core');
const runner = require('@daisy/ace-axe-runner-puppeteer');

// Ace launches and closes the browser for every EPUB; one browser for the whole run saves seconds each.
let launched = null;
const sharedRunner = {
  ...runner,
  launch: () => (launched = launched || runner.launch()),
  close: async () => {},
};

function violations(report) {
  const found = [];
  for (const subject of report.assertions || []) {
    for (const assertion of subject.assertions || []) {
      if (assertion['earl:result']['earl:outcome'] !== 'fail') continue;
      const pointer = assertion['earl:result']['earl:pointer'] || {};
      found.push({
        rule: assertion['earl:test']['dct:title'],
        impact: assertion['earl:test']['earl:impact'],
        document: subject['earl:testSubject'].url,
        where: (pointer.css || []).join(' '),
        message: assertion['earl:result']['dct:description'] || '',
      });
    }
  }
  return found;
}

async function main(paths) {
  const results = [];
  for (const epub of paths) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'octavo-ace-'));
    try {
      const options = { cwd: process.cwd(), outdir, initLogger: true, silent: true };
      const [, report] = await ace(path.resolve(epub), options, sharedRunner);
      results.push({ epub, violations: violations(report), conformsTo: report['a11y-metadata'] || null });
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }
  if (launched) {
    await launched;
    await runner.close();
  }
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`ace.js: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
