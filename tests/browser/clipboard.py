"""Putting text on the browser's clipboard the way a person does: select it and press Ctrl+C.

(The async Clipboard API needs permissions and a focused secure page; a copy keystroke is what
a customer who pastes a PHP trace or a Site Health report did a moment before.)
"""

from __future__ import annotations

from playwright.sync_api import Page


def copy(page: Page, text: str) -> None:
    page.evaluate(
        """text => {
          const box = document.createElement('textarea');
          box.id = '__clipboard_source';
          box.value = text;
          // the hostile theme resets every element: placed with the CSSOM, which its CSP allows
          Object.assign(box.style, {position: 'fixed', top: '0', left: '0', width: '200px',
                                    height: '50px', opacity: '1', display: 'block',
                                    visibility: 'visible', zIndex: '2147483647'});
          document.body.appendChild(box);
          box.focus();
          box.select();
        }""",
        text,
    )
    page.keyboard.press("Control+C")
    page.evaluate("document.getElementById('__clipboard_source').remove()")
