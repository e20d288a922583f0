import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initI18n } from '../i18n/index';
import { App } from './App';
import { pumpApi, unwrap } from '../api/client';
import './global.css';

initI18n();
// Pump actions are never retried behind the user's back: a retry is a clinician's decision.
const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });

// The first question every start asks: asked at once, while React is still rendering.
void queryClient.prefetchQuery({
  queryKey: ['auth:status'],
  queryFn: async () => unwrap(await pumpApi().auth.status({})),
});

const root = document.getElementById('root');
if (root === null) throw new Error('The page has no #root element');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
