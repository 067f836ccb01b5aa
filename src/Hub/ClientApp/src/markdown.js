// Instructions are Markdown written by authors and shown to learners as HTML: every rendering goes through DOMPurify,
// so a <script>, an event handler or a javascript: link in them never reaches the page.
import { Marked } from 'marked';
import DOMPurify from 'dompurify';

// Raw HTML in the Markdown is shown as text, not parsed: nothing an author writes becomes markup except through
// Markdown's own syntax (DOMPurify below stays as the second line of defence, for links and what marked emits).
const escapeHtml = text => text.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
// HTML comments (tracks keep notes to maintainers in them) stay invisible, as in any Markdown renderer.
const rawHtml = ({ text }) => (/^\s*<!--[\s\S]*-->\s*$/.test(text) ? '' : escapeHtml(text));
const marked = new Marked({ gfm: true, renderer: { html: rawHtml } });

// Links open beside the workbench (whose session stays), without giving the new page a handle on this one.
DOMPurify.addHook('afterSanitizeAttributes', node => {
  if (node.tagName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

const PURIFY = {
  USE_PROFILES: { html: true },
  // Instructions are prose and code: no forms to fake a sign-in with, no styles to cover the page.
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select'],
  FORBID_ATTR: ['style'],
  RETURN_DOM_FRAGMENT: true,
};

/** The Markdown as sanitized DOM nodes. */
export function renderMarkdown(text) {
  return DOMPurify.sanitize(marked.parse(text ?? '', { async: false }), PURIFY);
}
