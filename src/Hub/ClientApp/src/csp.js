// Monaco writes its theme and decoration rules into <style> elements it creates at run time. The page's Content
// Security Policy (src/Hub/Features/WebClient/BrowserSecurity.cs) admits only style elements that carry the page's
// nonce, so that a <style> injected into rendered content stays inert. The Hub puts the nonce on this bundle's script
// element; every style element created through document.createElement gets it. Imported first by main.js, before
// Monaco creates any.
const nonce = document.querySelector('script[nonce]')?.nonce;
if (nonce) {
  const createElement = Document.prototype.createElement;
  Document.prototype.createElement = function (tagName, options) {
    const element = createElement.call(this, tagName, options);
    if (element instanceof HTMLStyleElement) element.nonce = nonce;
    return element;
  };
}
