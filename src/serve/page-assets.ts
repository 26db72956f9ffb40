// The page's three files, bundled into supervisectl as text by esbuild (an
// import attribute), so the installed package needs no asset directory.
import css from './assets/page.css' with { type: 'text' };
import html from './assets/page.html' with { type: 'text' };
import script from './assets/page.js' with { type: 'text' };

/** The page; the flag decides whether it shows the token form and the buttons. */
export function renderPage(writable: boolean): string {
  return html.replace('{{WRITABLE}}', writable ? 'true' : 'false');
}

export const PAGE_SCRIPT: string = script;
export const PAGE_STYLE: string = css;
