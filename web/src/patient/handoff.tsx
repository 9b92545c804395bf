import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';

/** What only the start answer carries: the code and the resume link, shown once and never fetched again. */
export type StartedDetails = { code: string; resumeUrl: string };

type Handoff = { started: StartedDetails | null; setStarted: (details: StartedDetails | null) => void };

const HandoffContext = createContext<Handoff>({ started: null, setStarted: () => undefined });

/**
 * Holds the code in memory between the service page and /c. It is deliberately not written to
 * storage or history state: a refresh, or the next person on a shared device, cannot bring it back.
 */
export function HandoffProvider({ children }: { children: ReactNode }) {
  const [started, setStarted] = useState<StartedDetails | null>(null);
  const value = useMemo(() => ({ started, setStarted }), [started]);
  return <HandoffContext.Provider value={value}>{children}</HandoffContext.Provider>;
}

export function useHandoff(): Handoff {
  return useContext(HandoffContext);
}
