#!/usr/bin/env node
// `octavo preview` in headless Chromium, step by step with the program that edits the project (the tests).
// Usage: PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium node tools/preview.js URL DOCUMENT [--screenshot FILE]
//   URL: a publication's page (http://127.0.0.1:PORT/p/SLUG/); DOCUMENT: an EPUB document's name in the zip to show.
// Prints one JSON line per step, and after each waits for one line on its standard input (the edit is made):
//   ready     the first page's picture is loaded; the pages, the EPUB document and its frame are scrolled
//   reloaded  (after "edited") the page shows the next build: the scrolls and the document it kept, the EPUB's text
//   problems  (after "broken") the problems' box is shown: its text
//   clean     (after "fixed") the next build is clean and the box is gone
// A step that does not come within the time allowed prints {"step": "failed", ...} and exits with status 1.
'use strict';

const readline = require('readline');

const { launch } = require('./chromium');

const WAIT = 90000; // ms for each step: a build, then the page's reload
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();

function say(step, facts) {
  process.stdout.write(`${JSON.stringify({ step, ...facts })}\n`);
}

async function told(word) {
  const { value, done } = await lines.next();
  if (done || value.trim() !== word) throw new Error(`expected "${word}" on standard input, got ${value}`);
}

// Runs in the page: where the reader is, and what the page shows.
function place() {
  const frame = document.getElementById('reader');
  const box = document.getElementById('problems');
  const pages = document.getElementById('pages');
  const first = pages.querySelector('img');
  let text = '';
  let documentPath = '';
  let frameY = -1;
  try {
    text = frame.contentDocument.body.textContent;
    documentPath = frame.contentWindow.location.pathname;
    frameY = frame.contentWindow.scrollY;
  } catch (error) { /* loading */ }
  const shown = getComputedStyle(box).display !== 'none' && box.getBoundingClientRect().height > 0;
  return {
    generation: Number(document.body.dataset.generation),
    pagesTop: pages.scrollTop,
    pagesHeight: pages.scrollHeight - pages.clientHeight,
    firstPicture: first ? { width: first.naturalWidth, src: first.getAttribute('src'), complete: first.complete } : null,
    documentPath,
    frameY,
    frameScrollable: (() => { try { return frame.contentDocument.scrollingElement.scrollHeight - frame.clientHeight; } catch (e) { return 0; } })(),
    text,
    problemsShown: shown,
    problems: shown ? box.innerText : '',
    buildState: document.getElementById('build-state').textContent,
  };
}

async function main() {
  const [url, documentName, ...rest] = process.argv.slice(2);
  const screenshot = rest[0] === '--screenshot' ? rest[1] : null;
  const chromium = await launch();
  const { browser } = chromium;
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 720 });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => {
      const first = document.querySelector('#pages img');
      return first && first.complete && first.naturalWidth > 0;
    }, { timeout: WAIT });
    // The reader goes to a document of the EPUB other than the first, at phone width, and scrolls both columns.
    await page.click('input[name="width"][value="360"]');
    await page.select('#document', documentName);
    await page.waitForFunction((name) => {
      const frame = document.getElementById('reader');
      // Its web fonts and pictures too: one that arrives after the scroll below changes the text's height, and the browser's
      // scroll anchoring then moves the frame's scroll to keep the same text in view.
      return frame.contentWindow.location.pathname.endsWith(`/${name}`) && frame.contentDocument.readyState === 'complete'
        && frame.contentDocument.fonts.status === 'loaded'
        && Array.from(frame.contentDocument.images).every((picture) => picture.complete);
    }, { timeout: WAIT }, documentName);
    await page.evaluate(() => document.getElementById('reader').contentDocument.fonts.ready);
    await page.evaluate(() => {
      const pages = document.getElementById('pages');
      pages.scrollTop = Math.round((pages.scrollHeight - pages.clientHeight) / 2);
      const frame = document.getElementById('reader');
      const room = frame.contentDocument.scrollingElement.scrollHeight - frame.clientHeight;
      frame.contentWindow.scrollTo(0, Math.round(room / 2));
    });
    const before = await page.evaluate(place);
    say('ready', before);

    await told('edited');
    await page.waitForFunction((generation) => Number(document.body.dataset.generation) > generation,
      { timeout: WAIT }, before.generation);
    await page.waitForFunction(() => {
      const first = document.querySelector('#pages img');
      return first && first.complete && first.naturalWidth > 0;
    }, { timeout: WAIT });
    say('reloaded', { ...(await page.evaluate(place)), before });

    await told('broken');
    await page.waitForFunction(() => {
      const box = document.getElementById('problems');
      return getComputedStyle(box).display !== 'none' && box.getBoundingClientRect().height > 0;
    }, { timeout: WAIT });
    if (screenshot) await page.screenshot({ path: screenshot });
    const broken = await page.evaluate(place);
    say('problems', broken);

    await told('fixed');
    await page.waitForFunction((generation) => Number(document.body.dataset.generation) > generation
      && getComputedStyle(document.getElementById('problems')).display === 'none', { timeout: WAIT }, broken.generation);
    say('clean', await page.evaluate(place));
  } finally {
    await chromium.close();
  }
}

main().then(() => process.exit(0), (error) => {
  say('failed', { error: String(error && error.stack || error) });
  process.exit(1);
});
