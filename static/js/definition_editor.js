// The definition editor, enhanced. Without this file it is a plain textarea, and it stays one:
// a screen reader, the browser's undo and a form post all see the same control.
//
// - Line numbers in a gutter beside it (aria-hidden: they are a picture of what the textarea
//   already says), so "Line 11" in a problem can be found; a problem's link puts the caret there.
// - Indentation that keeps YAML valid. YAML forbids tab characters, so Tab inserts two spaces
//   (indents every selected line), Shift+Tab takes up to two away, and Enter keeps the line's
//   indentation, two spaces more after a line ending in ":".
// - Tab is then the editor's own key, so Escape hands it back: after Escape the next Tab or
//   Shift+Tab moves focus on as anywhere else. The hint beside the field says so; it is hidden
//   until this file runs, as without it Tab leaves the textarea anyway.
(() => {
  const INDENT = "  ";
  const MODIFIERS = new Set(["Shift", "Control", "Alt", "Meta", "CapsLock"]);

  const startOfLine = (text, at) => text.lastIndexOf("\n", at - 1) + 1;
  const endOfLine = (text, at) => {
    const end = text.indexOf("\n", at);
    return end === -1 ? text.length : end;
  };

  // Replace [start, end) as if typed: execCommand keeps the browser's undo history and fires
  // `input` (the graph preview listens for it); setRangeText is the fallback where it is gone.
  const replace = (area, start, end, text) => {
    area.setSelectionRange(start, end);
    if (start === end && text === "") return;
    const typed =
      text === ""
        ? document.execCommand("delete")
        : document.execCommand("insertText", false, text);
    if (!typed) {
      area.setRangeText(text, start, end, "end");
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
  };

  // The whole lines the selection touches (a selection ending at the start of a line does not
  // take that line).
  const selectedLines = (area) => {
    const text = area.value;
    const { selectionStart: from, selectionEnd: to } = area;
    const last = to > from && text[to - 1] === "\n" ? to - 1 : to;
    return { start: startOfLine(text, from), end: endOfLine(text, last) };
  };

  const indent = (area) => {
    const { selectionStart: from, selectionEnd: to, value } = area;
    if (value.slice(from, to).indexOf("\n") === -1) {
      replace(area, from, to, INDENT);
      return;
    }
    const { start, end } = selectedLines(area);
    const block = value
      .slice(start, end)
      .split("\n")
      .map((line) => (line ? INDENT + line : line))
      .join("\n");
    replace(area, start, end, block);
    area.setSelectionRange(start, start + block.length);
  };

  const outdent = (area) => {
    const { selectionStart: from, selectionEnd: to, value } = area;
    const { start, end } = selectedLines(area);
    const lines = value.slice(start, end).split("\n");
    const removed = lines.map((line) => line.match(/^ {0,2}/)[0].length);
    if (removed.every((n) => n === 0)) return;
    const block = lines.map((line, i) => line.slice(removed[i])).join("\n");
    replace(area, start, end, block);
    if (lines.length === 1) {
      // Keep the caret where it was in the line's text.
      const caret = Math.max(start, from - removed[0]);
      area.setSelectionRange(caret, Math.max(caret, to - removed[0]));
    } else {
      area.setSelectionRange(start, start + block.length);
    }
  };

  const newLine = (area) => {
    const { selectionStart: from, selectionEnd: to, value } = area;
    const before = value.slice(startOfLine(value, from), from);
    let spaces = before.match(/^ */)[0];
    if (/:\s*$/.test(before)) spaces += INDENT;
    replace(area, from, to, "\n" + spaces);
  };

  const enhance = (area) => {
    const editor = document.createElement("div");
    editor.className = "code-editor";
    const gutter = document.createElement("pre");
    gutter.className = "code-editor__lines";
    gutter.setAttribute("aria-hidden", "true");
    area.parentNode.insertBefore(editor, area);
    editor.append(gutter, area);

    let shown = 0;
    const number = () => {
      const count = area.value.split("\n").length;
      if (count !== shown) {
        shown = count;
        gutter.textContent = Array.from({ length: count }, (_, i) => i + 1).join("\n");
        editor.style.setProperty("--digits", String(count).length);
      }
      gutter.scrollTop = area.scrollTop;
    };
    number();
    area.addEventListener("input", number);
    area.addEventListener("scroll", () => {
      gutter.scrollTop = area.scrollTop;
    });

    const hint = document.getElementById(area.id + "-keys");
    if (hint) {
      hint.hidden = false;
      const described = (area.getAttribute("aria-describedby") || "").split(" ");
      area.setAttribute("aria-describedby", described.concat(hint.id).join(" ").trim());
    }

    let leaving = false;
    area.addEventListener("blur", () => {
      leaving = false;
    });
    area.addEventListener("keydown", (event) => {
      if (MODIFIERS.has(event.key) || event.isComposing) return;
      if (event.key === "Escape") {
        leaving = true;
        return;
      }
      const leave = leaving;
      leaving = false;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "Tab" && !leave) {
        event.preventDefault();
        (event.shiftKey ? outdent : indent)(area);
      } else if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        newLine(area);
      }
    });
  };

  // A problem's link ("Line 11, task clean") puts the caret at the start of that line.
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-line]");
    const area = link && document.querySelector(link.getAttribute("href"));
    if (!area || area.tagName !== "TEXTAREA") return;
    event.preventDefault();
    const lines = area.value.split("\n");
    const line = Math.min(Math.max(Number(link.dataset.line), 1), lines.length);
    const at = lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0);
    area.focus();
    area.setSelectionRange(at, at);
    // Scroll the line into view: the caret's line, about a third of the way down.
    const height = area.scrollHeight / lines.length;
    area.scrollTop = Math.max(0, (line - 1) * height - area.clientHeight / 3);
  });

  document.querySelectorAll("textarea[data-definition-editor]").forEach(enhance);
})();
