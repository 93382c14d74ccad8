// Small DOM helpers shared by the views: element building, percentages, and arrow-key moves in a list.

/** `el('div', {class: 'x', onclick}, child, 'text')`: an element with attributes, listeners and children. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else if (key === 'style') node.style.cssText = value; // through the CSSOM: the page's CSP refuses style attributes
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** `covered / total` as a whole percentage ('–' when there is nothing to count). */
export function percent(covered, total) {
  return total ? `${Math.floor((covered * 100) / total)}%` : '–';
}

/** A small coverage bar with its percentage. */
export function meter(covered, total) {
  const fill = total ? (covered * 100) / total : 0;
  return el('span', { class: 'bar-cell' }, el('span', { class: 'meter' }, el('i', { style: `width:${fill.toFixed(1)}%` })), percent(covered, total));
}

/**
 * Arrow keys in a list: ↑/↓ (and j/k) move the focus between `selector` items of `container`, Home/End
 * jump, Enter activates (click); `extra(event, item)` may handle other keys (←/→ in the tree).
 */
export function listKeys(container, selector, extra) {
  container.addEventListener('keydown', (event) => {
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
    const items = [...container.querySelectorAll(selector)];
    if (items.length === 0) return;
    const at = items.indexOf(document.activeElement);
    const move = (index) => {
      event.preventDefault();
      const item = items[Math.max(0, Math.min(items.length - 1, index))];
      item.focus();
      item.scrollIntoView({ block: 'nearest' });
    };
    if (event.key === 'ArrowDown' || event.key === 'j') move(at + 1);
    else if (event.key === 'ArrowUp' || event.key === 'k') move(at < 0 ? 0 : at - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(items.length - 1);
    else if ((event.key === 'Enter' || event.key === ' ') && at >= 0) {
      event.preventDefault();
      items[at].click();
    } else if (extra) extra(event, at >= 0 ? items[at] : null);
  });
}
