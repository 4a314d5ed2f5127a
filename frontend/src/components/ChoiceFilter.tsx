"use client";

import { useId, useState } from "react";

// A type-to-filter box over a long checkbox list (countries, disciplines). Only an
// enhancement: without JavaScript the whole list shows and works; checked boxes always show.
export function ChoiceFilter({ label, children }: { label: string; children: React.ReactNode }) {
  const id = useId();
  const [query, setQuery] = useState("");
  const needle = query.trim().toLowerCase();
  return (
    <div className="choice-filter" data-filter={needle || undefined}>
      <label htmlFor={id} className="field-hint">
        {label}
      </label>
      <input
        id={id}
        type="search"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          const list = event.target.closest(".choice-filter")?.querySelector(".choices");
          const text = event.target.value.trim().toLowerCase();
          list?.querySelectorAll<HTMLElement>("[data-name]").forEach((item) => {
            const checked = item.querySelector<HTMLInputElement>(":scope > label input")?.checked;
            const match = !text || item.dataset.name!.includes(text) || Boolean(item.querySelector(`[data-name*="${CSS.escape(text)}"]`));
            item.hidden = !match && !checked;
          });
        }}
        autoComplete="off"
      />
      {children}
    </div>
  );
}
