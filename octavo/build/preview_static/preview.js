// octavo preview: follows each build through /events and reloads what it changed, keeping the reader's place
// (the scroll of the pages and of the EPUB, and which EPUB document is shown); shows the build's problems.
'use strict';

(() => {
  const body = document.body;
  const view = body.dataset.view;
  const slug = body.dataset.slug;
  const byId = (id) => document.getElementById(id);
  const base = (name) => `/p/${encodeURIComponent(name)}/`;
  const memberUrl = (name, version) =>
    `${base(slug)}epub/${name.split('/').map(encodeURIComponent).join('/')}?v=${version}`;
  let shown = Number(body.dataset.generation); // the build whose outputs the page shows
  let restoreY = null; // the EPUB frame's scroll to restore when its document has loaded
  let loaded = null; // resolves the promise of the EPUB frame's next load

  function element(tag, attributes, ...children) {
    const made = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) made.setAttribute(key, value);
    made.append(...children);
    return made;
  }

  function showState(building) {
    byId('build-state').textContent = building ? 'building…' : 'up to date';
  }

  // The overlay: every problem of the last build as the terminal says it; gone when a build is clean.
  function showProblems(problems) {
    const box = byId('problems');
    byId('problem-list').replaceChildren(...problems.map((problem) => element('li', { class: problem.severity },
      problem.text)));
    box.classList.toggle('warnings-only', problems.every((problem) => problem.severity !== 'error'));
    box.hidden = problems.length === 0;
  }

  function fileLinks(publication) {
    const links = [];
    if (publication.pdf) {
      const count = publication.pdf.pages.length;
      links.push(element('a', { href: base(publication.slug) + encodeURIComponent(publication.pdf.name) },
        publication.pdf.name), `, ${count} page${count === 1 ? '' : 's'}`);
    }
    if (publication.epub) {
      if (links.length) links.push(' · ');
      links.push(element('a', { href: base(publication.slug) + encodeURIComponent(publication.epub.name) },
        publication.epub.name));
    }
    return links;
  }

  function updateIndex(status) {
    const list = element('ul', { class: 'publications', id: 'publications' }, ...status.publications.map(
      (publication) => element('li', {}, element('a', { class: 'title', href: base(publication.slug) },
        publication.title), ' ', element('span', { class: 'files' }, ...fileLinks(publication)))));
    byId('publications').replaceWith(list);
  }

  function updateSwitch(status) {
    byId('switch').replaceChildren(...status.publications.map((publication) => {
      const link = element('a', { href: base(publication.slug) }, publication.title);
      if (publication.slug === slug) link.setAttribute('aria-current', 'page');
      return element('li', {}, link);
    }));
  }

  // The print pages: each picture's address changes with the PDF's version; the column keeps its scroll.
  function updatePages(pdf) {
    const pages = byId('pages');
    if (!pages || !pdf) return;
    const top = pages.scrollTop;
    const pictures = Array.from(pages.querySelectorAll('img'));
    pdf.pages.forEach(([width, height], index) => {
      let picture = pictures[index];
      if (!picture) {
        picture = element('img', { alt: `Page ${index + 1}`, loading: 'lazy' });
        pages.append(picture);
      }
      picture.width = width;
      picture.height = height;
      const source = `${base(slug)}page-${index + 1}.png?v=${pdf.version}`;
      if (picture.getAttribute('src') !== source) picture.src = source;
    });
    pictures.slice(pdf.pages.length).forEach((picture) => picture.remove());
    pages.scrollTop = top;
    const count = document.querySelector('#print-heading .count');
    if (count) count.textContent = pdf.pages.length;
  }

  // The EPUB document in the frame, by its name in the zip (the reader may have followed a link to another).
  function frameDocument(frame) {
    try {
      const prefix = `${base(slug)}epub/`;
      const path = frame.contentWindow.location.pathname;
      if (path.startsWith(prefix)) return path.slice(prefix.length).split('/').map(decodeURIComponent).join('/');
    } catch (error) { /* not loaded yet */ }
    return null;
  }

  function showDocument(frame, name, version, y) {
    restoreY = y;
    frame.dataset.version = version;
    const done = new Promise((resolve) => { loaded = resolve; });
    frame.src = memberUrl(name, version);
    return done;
  }

  function updateEpub(epub) {
    const frame = byId('reader');
    if (!frame || !epub || frame.dataset.version === epub.version) return Promise.resolve();
    const name = frameDocument(frame) || byId('document').value;
    const kept = epub.documents.includes(name) ? name : epub.start;
    const y = kept === name ? frame.contentWindow.scrollY : 0;
    byId('document').replaceChildren(...epub.documents.map((document) =>
      element('option', { value: document }, document.split('/').pop())));
    byId('document').value = kept;
    return showDocument(frame, kept, epub.version, y);
  }

  async function apply(status) {
    showState(status.building);
    showProblems(status.problems);
    if (status.generation === shown) return;
    if (view === 'index') {
      updateIndex(status);
    } else {
      updateSwitch(status);
      const publication = status.publications.find((found) => found.slug === slug);
      if (publication) {
        byId('title').textContent = publication.title;
        updatePages(publication.pdf);
        await updateEpub(publication.epub);
      }
    }
    shown = status.generation;
    body.dataset.generation = shown; // last: what waits for the new build sees all of it in place
    byId('generation').textContent = shown;
  }

  let running = false;
  let again = false;
  async function refresh() {
    if (running) { again = true; return; }
    running = true;
    try {
      do {
        again = false;
        const answer = await fetch('/status', { cache: 'no-store' });
        await apply(await answer.json());
      } while (again);
    } catch (error) {
      byId('build-state').textContent = 'not connected: is octavo preview still running?';
    } finally {
      running = false;
    }
  }

  const frame = byId('reader');
  if (frame) {
    frame.addEventListener('load', async () => {
      const name = frameDocument(frame);
      if (name && Array.from(byId('document').options).some((option) => option.value === name)) {
        byId('document').value = name;
      }
      // After the EPUB's fonts and pictures: text laid out in a fallback font, or a picture not yet loaded, would
      // put the place elsewhere (and the browser's scroll anchoring would move it again when they arrive).
      const inside = frame.contentDocument;
      await inside.fonts.ready;
      await Promise.all(Array.from(inside.images).filter((picture) => !picture.complete).map((picture) =>
        new Promise((resolve) => {
          picture.addEventListener('load', resolve, { once: true });
          picture.addEventListener('error', resolve, { once: true });
        })));
      if (restoreY !== null) frame.contentWindow.scrollTo(0, restoreY);
      restoreY = null;
      if (loaded) loaded();
      loaded = null;
    });
    byId('document').addEventListener('change', (event) => {
      showDocument(frame, event.target.value, frame.dataset.version, 0);
    });
    const setWidth = (pixels) => { byId('frame').style.width = `${pixels}px`; };
    for (const choice of document.querySelectorAll('input[name="width"]')) {
      if (choice.value === localStorage.getItem('octavo-preview-width')) choice.checked = true;
      if (choice.checked) setWidth(choice.value);
      choice.addEventListener('change', () => {
        setWidth(choice.value);
        localStorage.setItem('octavo-preview-width', choice.value);
      });
    }
  }
  byId('hide-problems').addEventListener('click', () => { byId('problems').hidden = true; });

  const events = new EventSource('/events');
  events.addEventListener('build', (event) => {
    const now = JSON.parse(event.data);
    showState(now.building);
    if (now.generation !== shown) refresh();
  });
  events.addEventListener('error', () => {
    byId('build-state').textContent = 'not connected: is octavo preview still running?';
  });
  refresh();
})();
