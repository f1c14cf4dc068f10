// The browser's "Leave site?" question, for the moments when leaving would lose something that
// cannot be recovered: a receipt code not yet kept, a report still being sent.
const ask = (event: BeforeUnloadEvent) => {
  event.preventDefault();
  // Older browsers show the question only when returnValue is set.
  event.returnValue = '';
};
let on = false;

export function warnOnLeave(warn: boolean): void {
  if (warn === on) return;
  on = warn;
  if (warn) addEventListener('beforeunload', ask);
  else removeEventListener('beforeunload', ask);
}
