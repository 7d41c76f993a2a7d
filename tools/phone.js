#!/usr/bin/env node
// Every content document of unpacked EPUBs in headless Chromium at phone width: horizontal overflow, and
// optionally screenshots in a light and a dark reader theme.
// Usage: PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium node tools/phone.js [--width 360] [--height 640]
//          [--screenshots DIR] UNPACKED_EPUB_DIR ...
// Prints one JSON array: for each document, its page width, the width of its content, what sticks out, and the
// boxes and colours of its tables, images, placeholders and cover (`dark`: the same in a dark reader theme).
'use strict';

const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');

const { launch } = require('./chromium');

// A reader's dark theme: most reading systems recolour the page and the text themselves.
const DARK_READER = ':root { background-color: #121212; color: #e6e6e6; }';

function parseArgs(argv) {
  const options = { width: 360, height: 640, screenshots: null, dirs: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--width') options.width = Number(argv[++i]);
    else if (argv[i] === '--height') options.height = Number(argv[++i]);
    else if (argv[i] === '--screenshots') options.screenshots = argv[++i];
    else options.dirs.push(argv[i]);
  }
  return options;
}

// The spine's XHTML documents, read from the package document by the browser's own XML parser.
async function spine(page, dir) {
  const container = fs.readFileSync(path.join(dir, 'META-INF', 'container.xml'), 'utf8');
  const opf = /full-path="([^"]+)"/.exec(container)[1];
  const text = fs.readFileSync(path.join(dir, opf), 'utf8');
  const hrefs = await page.evaluate((xml) => {
    const doc = new DOMParser().parseFromString(xml, 'application/xml');
    const items = {};
    for (const item of doc.getElementsByTagName('item')) items[item.getAttribute('id')] = item;
    return Array.from(doc.getElementsByTagName('itemref'))
      .map((ref) => items[ref.getAttribute('idref')])
      .filter((item) => item && item.getAttribute('media-type') === 'application/xhtml+xml')
      .map((item) => item.getAttribute('href'));
  }, text);
  return hrefs.map((href) => path.join(dir, path.dirname(opf), decodeURIComponent(href)));
}

// Runs in the page: how wide the document is against the page, the outermost elements that stick out (or whose
// text does), and the boxes and colours that a phone and a dark theme put to the test.
function measure() {
  const root = document.documentElement;
  const limit = root.clientWidth + 1; // sub-pixel rounding is no overflow
  const name = (element) => element.tagName.toLowerCase() + (typeof element.className === 'string' && element.className
    ? `.${element.className.trim().split(/\s+/).join('.')}` : '');
  const spilling = Array.from(document.body.querySelectorAll('*')).filter((element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && (box.right > limit || (element.clientWidth > 0 && element.scrollWidth > element.clientWidth + 1));
  });
  // The innermost ones name the cause: a link, a word, a table; not every section around it.
  const culprits = spilling.filter((element) => !spilling.some((other) => other !== element && element.contains(other)))
    .map((element) => ({ name: name(element), right: Math.round(element.getBoundingClientRect().right),
      text: (element.textContent || '').trim().slice(0, 80) }));
  const style = (element) => getComputedStyle(element);
  const boxes = (selector) => Array.from(document.querySelectorAll(selector)).map((element) => {
    const box = element.getBoundingClientRect();
    return { top: box.top, bottom: box.bottom, left: box.left, right: box.right, width: box.width,
      height: box.height, color: style(element).color, borderColor: style(element).borderTopColor,
      background: style(element).backgroundColor, fontSize: style(element).fontSize,
      fontFamily: style(element).fontFamily, display: style(element).display };
  });
  return {
    pageWidth: root.clientWidth,
    pageHeight: root.clientHeight,
    contentWidth: root.scrollWidth,
    culprits,
    body: boxes('body')[0],
    placeholders: boxes('.placeholder-box'),
    placeholderTexts: boxes('.placeholder-text'),
    tables: boxes('table'),
    images: boxes('figure img'),
    covers: boxes('body.cover img'),
    // An equation's number stays on the screen; a formula wider than its box scrolls in it.
    equationNumbers: boxes('.equation-number'),
    equations: Array.from(document.querySelectorAll('.equation-formula')).map((element) => ({
      scrollWidth: element.scrollWidth, clientWidth: element.clientWidth, overflowX: style(element).overflowX })),
    hidden: boxes('nav[hidden], [hidden]').filter((b) => b.display !== 'none').length,
    figures: boxes('figure, figcaption').filter((b) => b.display !== 'block').length,
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const chromium = await launch();
  const { browser } = chromium;
  const results = [];
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: options.width, height: options.height, deviceScaleFactor: 2 });
    // A document may only reach its own files: no request leaves the machine.
    await page.setRequestInterception(true);
    page.on('request', (request) => (request.url().startsWith('file:') ? request.continue() : request.abort()));
    for (const dir of options.dirs) {
      for (const file of await spine(page, dir)) {
        const name = `${path.basename(dir)}-${path.basename(file, '.xhtml')}`;
        await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        const light = await page.evaluate(measure);
        if (options.screenshots) {
          fs.mkdirSync(options.screenshots, { recursive: true });
          await page.screenshot({ path: path.join(options.screenshots, `${name}-light.png`) });
        }
        await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
        await page.addStyleTag({ content: DARK_READER });
        const dark = await page.evaluate(measure);
        if (options.screenshots) await page.screenshot({ path: path.join(options.screenshots, `${name}-dark.png`) });
        results.push({ epub: dir, document: path.relative(dir, file), ...light, dark });
      }
    }
  } finally {
    await chromium.close();
  }
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error) => {
  process.stderr.write(`phone.js: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
