/*
 * A page form submitted while Wagtail's autosave is still creating that page.
 *
 * Wagtail 7.4 autosaves the add-page form in the background; the first autosave creates the
 * page, and only when its answer arrives does the form's action become the new page's edit
 * URL. A click on "Save draft" (or Publish, Submit) meanwhile posts the same form to the add
 * URL a second time: a second create of the same page, refused as "slug already in use", or a
 * 500 when the two requests overlap in the database. Nothing on the server can tell the two
 * creates apart, so the two are ordered here, where they start: a submit waits for the
 * autosave in flight, then goes to the action that autosave left (the edit URL), and no
 * autosave starts once a submit is on its way.
 *
 * Only Wagtail's public Stimulus events are used: `w-autosave:save` (cancelable, before each
 * autosave request), `w-autosave:success` and `w-autosave:error` (after it).
 */
(() => {
  const inFlight = new WeakMap(); // form -> promise of the autosave it is waiting for
  const submitting = new WeakSet();

  document.addEventListener("w-autosave:save", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return; // the indicator listens to the same events
    if (submitting.has(form)) {
      event.preventDefault(); // the form itself is being submitted: that save is the one
      return;
    }
    inFlight.set(
      form,
      new Promise((resolve) => {
        const done = () => {
          form.removeEventListener("w-autosave:success", done);
          form.removeEventListener("w-autosave:error", done);
          inFlight.delete(form);
          resolve();
        };
        form.addEventListener("w-autosave:success", done);
        form.addEventListener("w-autosave:error", done);
      }),
    );
  });

  const isEditForm = (form) => form instanceof HTMLFormElement && form.matches("[data-edit-form]");

  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      const pending = isEditForm(form) && inFlight.get(form);
      if (!pending) return;
      event.preventDefault();
      submitting.add(form);
      const { submitter } = event;
      pending.then(() => {
        if (submitter) submitter.disabled = false; // Wagtail's button greys itself out on click
        submitting.delete(form);
        form.requestSubmit(submitter || undefined);
      });
    },
    true, // before Wagtail's own submit handlers
  );

  document.addEventListener("submit", (event) => {
    // A submit no handler stopped is on its way: an autosave now would be a second create.
    if (isEditForm(event.target) && !event.defaultPrevented) submitting.add(event.target);
  });
})();
