// Material hands the search box's text to lunr's query parser, where a word that starts
// with "-" rules out every page containing it. A pasted error message such as
// "cannot reshape tensor of 0 elements into shape [0, -1]" would rule out every page with
// a 1 in it, the errors page first. Drop a minus in front of a number as it is typed or
// pasted (capture phase: before Material reads the box).
document.addEventListener(
  "input",
  (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.matches("input.md-search__input")) {
      return;
    }
    const cleaned = box.value.replace(/(^|\s)-(?=\d)/g, "$1");
    if (cleaned !== box.value) {
      box.value = cleaned;
    }
  },
  true,
);
