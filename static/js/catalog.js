// The catalog keeps no htmx snapshot (hx-history="false"): Back and Forward fetch its page
// again. Only the last of those may be drawn: going Back twice quickly, or while an update is
// on its way, would otherwise let an older answer land last, showing another URL's filters.
{
  let restoring = null;
  document.addEventListener("htmx:historyCacheMiss", (event) => {
    restoring?.abort();
    restoring = event.detail.xhr;
    for (const element of document.querySelectorAll(".catalog [hx-get]")) {
      htmx.trigger(element, "htmx:abort");
    }
  });
}
