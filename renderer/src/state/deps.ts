/** What a page's state needs from the rest of the app, handed in by the page (no app-wide singleton). */
export interface StateDeps {
  /** Results were added or reviewed: the review badge counts again. */
  onResultsChanged: () => void;
}
