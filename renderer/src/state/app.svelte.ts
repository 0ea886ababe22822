import type { AppInfo } from '$contract/index.ts';
import { call, messageOf } from '../lib/api.ts';
import { routeFromHash, routeToHash, type Route } from './route.ts';

export type { Route };

/** App-wide state: where the user is, which model grades, and how many results wait for a clinician. */
export class AppState {
  /** Read from the address bar, so a reload (or Electron's reload) keeps the page. */
  route = $state<Route>(routeFromHash(typeof location === 'undefined' ? '' : location.hash));
  info = $state<AppInfo | null>(null);
  infoError = $state<string | null>(null);
  /** Unreviewed results; null until first counted. */
  reviewCount = $state<number | null>(null);

  async loadInfo(): Promise<void> {
    try {
      this.info = await call('app:info', {});
      this.infoError = null;
    } catch (error) {
      this.infoError = messageOf(error);
    }
  }

  /** Called after anything that adds or reviews results, so the badge never needs a reload. */
  async refreshReviewCount(): Promise<void> {
    try {
      this.reviewCount = (await call('reviews:count', {})).count;
    } catch {
      // The badge is a convenience; the review page itself reports errors.
    }
  }

  go(route: Route): void {
    this.route = route;
    // replaceState, not a new history entry: the app has its own Back links, and the token must never return.
    if (typeof history !== 'undefined') history.replaceState(null, '', routeToHash(route));
    void this.refreshReviewCount();
  }

  openPatient(id: number): void {
    this.go({ name: 'patient', id });
  }

  showPatients(): void {
    this.go({ name: 'patients' });
  }

  showSettings(): void {
    this.go({ name: 'settings' });
  }
}
