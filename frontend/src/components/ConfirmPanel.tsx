import type { ReactNode } from "react";

/** The second step of a destructive action: the question, one button that posts the action,
 * and a way back. Every "are you sure?" on the site is this panel, so they read and behave alike. */
export function ConfirmPanel({
  children,
  action,
  confirm,
  cancelHref,
  id,
}: {
  children: ReactNode;
  action: string;
  confirm: string;
  cancelHref: string;
  id?: string;
}) {
  return (
    <div className="panel danger-zone" role="alert">
      <p>{children}</p>
      <div className="alert-actions">
        <form method="post" action={action}>
          {id ? <input type="hidden" name="id" value={id} /> : null}
          <button type="submit" className="button-danger">
            {confirm}
          </button>
        </form>
        <a className="button button-secondary" href={cancelHref}>
          Cancel
        </a>
      </div>
    </div>
  );
}
