import { describe, expect, it } from 'vitest';
import { runtimeFixture } from './runtime-fixture';
import { signInThrough, TEST_PASSWORD } from './helpers';
import { workflowHelpers } from './workflows-api-support';

const f = runtimeFixture();
const { call, value, minutes } = workflowHelpers(f);

describe('signing in at the workstation', () => {
  it('asks for the first administrator, then refuses every clinical call until someone signs in', async () => {
    expect(await value('auth:status')).toMatchObject({ setupRequired: true, user: null });
    expect(await call('pump:interrogate')).toMatchObject({ ok: false, error: { code: 'SIGNED_OUT' } });
    expect(await call('patients:search', { query: '' })).toMatchObject({ ok: false, error: { code: 'SIGNED_OUT' } });
    await signInThrough(f.runtime.dispatch, 'nurse.wang');
    expect(await value('auth:status')).toMatchObject({
      setupRequired: false,
      user: { username: 'nurse.wang', role: 'nurse' },
      locked: false,
    });
  });

  it('refuses a wrong password and keeps the previous state', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    await value('auth:signOut');
    expect(await call('auth:signIn', { username: 'dr.li', password: 'wrong password!' })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_CREDENTIALS' },
    });
    expect(await value('auth:status')).toMatchObject({ user: null, locked: false });
  });

  it('locks after the idle time; polling does not keep it awake; the same user unlocks', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    minutes(4);
    await value('wand:status');
    await value('sessions:unconfirmed');
    await value('auth:status');
    minutes(1);
    expect(await call('pump:interrogate')).toMatchObject({ ok: false, error: { code: 'SESSION_LOCKED' } });
    expect(await value('auth:status')).toMatchObject({ user: null, locked: true, lockedUser: { username: 'dr.li' } });
    await value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
    expect((await call('pump:interrogate')).ok).toBe(true);
  });

  it('tells a new workstation the site’s default language', async () => {
    expect(await value('auth:status')).toMatchObject({ language: 'zh-CN' });
    await signInThrough(f.runtime.dispatch, 'admin');
    await value('settings:update', { language: 'en' });
    expect(await value('auth:status')).toMatchObject({ language: 'en' });
  });

  it('locks by hand, and the site setting changes the idle time', async () => {
    await signInThrough(f.runtime.dispatch, 'admin');
    await value('settings:update', { idleLockMinutes: 2 });
    minutes(2);
    expect(await call('settings:get')).toMatchObject({ ok: false, error: { code: 'SESSION_LOCKED' } });
    await value('auth:signIn', { username: 'admin', password: TEST_PASSWORD });
    await value('auth:lock');
    expect(await value('auth:status')).toMatchObject({ locked: true, idleLockMinutes: 2 });
  });

  it('lets each role reach only its own channels', async () => {
    await signInThrough(f.runtime.dispatch, 'nurse.wang');
    expect(await call('program:preview', { mode: 'continuous', dailyDose: '3' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await call('users:list')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(
      await call('library:save', { library: (await value<{ library: unknown }>('library:get')).library }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await value('auth:signIn', { username: 'admin', password: TEST_PASSWORD });
    expect(await call('pump:interrogate')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await value<unknown[]>('users:list')).length).toBe(5);
  });
});
