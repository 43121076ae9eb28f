/**
 * Links between views. The dashboard (App.tsx) provides these; any view may follow them:
 * - openSession(sessionId, exchangeId?): the Sessions tab with that session open, scrolled to that turn;
 * - openHistory({ session?, exchangeId? }): the History tab, filtered to that session (the
 *   filter shows it and can clear it) and with that exchange selected.
 */
import { createContext, useContext, type ReactNode } from 'react';

export interface Navigation {
  openSession(sessionId: string, exchangeId?: string): void;
  openHistory(target: { session?: string; exchangeId?: string }): void;
}

const NavigationContext = createContext<Navigation | null>(null);

export function NavigationProvider({ value, children }: { value: Navigation; children: ReactNode }) {
  return <NavigationContext.Provider value={value}>{children}</NavigationContext.Provider>;
}

/** Null outside the dashboard (a view rendered alone in a test): links are then not offered. */
export function useNavigation(): Navigation | null {
  return useContext(NavigationContext);
}
