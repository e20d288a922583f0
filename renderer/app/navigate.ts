import { createContext, useContext } from 'react';

/** The screens of the shell (renderer/app/Shell.tsx). */
export type Route =
  'pump' | 'programming' | 'visit' | 'refill' | 'reviews' | 'patients' | 'audit' | 'users' | 'library' | 'settings';

/** Moves to another screen of the shell, as its menu does (a screen hands over to another). */
export const NavigateContext = createContext<(route: Route) => void>(() => undefined);
export const useNavigate = () => useContext(NavigateContext);
