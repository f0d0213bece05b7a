// @ts-check
/**
 * TypeDoc plugin: headings keep their inline code in the page outline ("On This Page").
 *
 * TypeDoc 0.28 builds the outline entry of a markdown heading from the heading's `text` tokens
 * only, so "`@x/tree-lca`: lowest common ancestors" is listed as ": lowest common ancestors". This
 * gives each `code_inline` token inside a heading one `text` child with the same content: the
 * outline reads it, and the heading itself still renders the code as `<code>` (markdown-it renders
 * `code_inline` from its `content`, not its children).
 */

import { Application } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  // options are reset after plugins load: set ours once the configuration has been read
  app.on(Application.EVENT_BOOTSTRAP_END, () => app.options.setValue('markdownItLoader', addHeadingCodeText));
}

/** @param {any} parser the markdown-it instance TypeDoc renders with */
function addHeadingCodeText(parser) {
  parser.core.ruler.push('x-heading-code-text', (/** @type {any} */ state) => {
    state.tokens.forEach((/** @type {any} */ token, /** @type {number} */ index) => {
      if (token.type !== 'inline' || state.tokens[index - 1]?.type !== 'heading_open') return;
      for (const child of token.children ?? []) {
        if (child.type !== 'code_inline' || child.children) continue;
        const text = new state.Token('text', '', 0);
        text.content = child.content;
        child.children = [text];
      }
    });
  });
}
