/** Finding the page's elements; a missing one is a bug in the HTML, so fail loudly. */

export function byTestId<T extends HTMLElement = HTMLElement>(testId: string, root: ParentNode = document): T {
  return required<T>(root, `[data-testid="${testId}"]`);
}

export function byRole<T extends Element = HTMLElement>(role: string, root: ParentNode = document): T {
  return required<T>(root, `[data-role="${role}"]`);
}

export function allByRole<T extends Element = HTMLElement>(role: string, root: ParentNode = document): T[] {
  return Array.from(root.querySelectorAll<T>(`[data-role="${role}"]`));
}

function required<T extends Element>(root: ParentNode, selector: string): T {
  const element = root.querySelector<T>(selector);
  if (element === null) throw new Error(`The page has no ${selector}.`);
  return element;
}
