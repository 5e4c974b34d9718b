import { describe, expect, it } from 'vitest';
import type { PbxLogin } from '../bindings/PbxLogin';
import type { SyncOptions } from '../bindings/SyncOptions';
import { ADMIN_SIGN_IN_GONE } from '../connect/edition';
import { createMockWizard, mockEdition, wizardScenarioFromAddress } from './wizard-mock';

const LOGIN: PbxLogin = {
  url: 'https://pbx.contoso.example:8887',
  domain: 'contoso.example',
  username: 'pbxadmin',
  password: 'x',
  ca_pem: null,
  pin_sha256: null,
  remember_password: false,
};

function options(administrators: string[]): SyncOptions {
  return {
    sync_time: '0 2 * * *',
    users: { starting_extension: '1300', sync_photos: true, sync_guests: false, scope: { kind: 'all' } },
    sso: { administrators, standard_users: { kind: 'all' } },
    personal_contacts: { kind: 'all' },
    shared_mailboxes: { kind: 'all' },
  };
}

describe('the mock PBX version', () => {
  it('is 22.6.0 unless the address names another, written as PortSIP writes a release', () => {
    expect(wizardScenarioFromAddress('').pbxVersion).toBe('22.6.0');
    expect(wizardScenarioFromAddress('?mock-pbx=22.2').pbxVersion).toBe('22.2.0');
    expect(wizardScenarioFromAddress('?mock-pbx=22.2.1').pbxVersion).toBe('22.2.1');
    expect(wizardScenarioFromAddress('?mock-pbx=nightly').pbxVersion).toBe('nightly');
  });

  it('warns, as the engine does, about versions pbx365 was not built for', () => {
    expect(mockEdition('22.2.0').warning).toBeNull();
    expect(mockEdition('22.6.0').warning).toBeNull();
    expect(mockEdition('22.6.9').warning).toBeNull();
    const range = { oldest: '22.2.0', newest: '22.6' };
    expect(mockEdition('21.4.0').warning).toEqual({ code: 'too-old', version: '21.4.0', ...range });
    expect(mockEdition('v23.0.1').warning).toEqual({ code: 'too-new', version: '23.0.1', ...range });
    expect(mockEdition('nightly').warning).toEqual({ code: 'unreadable', version: 'nightly', ...range });
  });
});

describe('the mock wizard on each PortSIP version', () => {
  it('connects with the edition the PBX reports', async () => {
    const wizard = createMockWizard({ fail: null, stepMs: 0, pbxVersion: '22.2.0', expired: null });
    const pbx = await wizard.connectPbx(LOGIN);
    expect(pbx.edition).toEqual({ version: '22.2.0', licensed_users: 400, current_users: 212, warning: null });
  });

  it('refuses administrators who sign in with Microsoft on 22.6, on their field', async () => {
    const wizard = createMockWizard({ fail: null, stepMs: 0, pbxVersion: '22.6.0', expired: null });
    const refusal = await wizard.setSyncOptions(options(['it@contoso.example'])).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: 'input', field: 'sso.administrators' });
    expect((refusal as { message: string }).message.startsWith(ADMIN_SIGN_IN_GONE)).toBe(true);
    await expect(wizard.setSyncOptions(options([]))).resolves.toMatchObject({ notices: [] });
  });

  it('takes them on 22.2', async () => {
    const wizard = createMockWizard({ fail: null, stepMs: 0, pbxVersion: '22.2.0', expired: null });
    const summary = await wizard.setSyncOptions(options(['it@contoso.example']));
    expect(summary.options.sso.administrators).toEqual(['it@contoso.example']);
    expect(summary.notices).toEqual([]);
  });

  it("puts a version warning into the review's warnings", async () => {
    const wizard = createMockWizard({ fail: null, stepMs: 0, pbxVersion: '23.0.0', expired: null });
    const review = await wizard.review();
    expect(review.warnings).toEqual([{ code: 'edition', warning: expect.objectContaining({ code: 'too-new', version: '23.0.0' }) }]);
  });
});

describe('the mock wizard in guided mode', () => {
  it('gives the hand steps the engine gives: the app in Entra, then the certificate and consent', async () => {
    const wizard = createMockWizard({ fail: null, stepMs: 0, pbxVersion: '22.6.0', expired: null });
    const ids = { cloud: { kind: 'global' as const }, tenant_id: '11111111-2222-4333-8444-555555555555', app_id: '99999999-8888-4777-8666-555555555555' };
    await wizard.useGuidedIds(ids);
    const app = await wizard.planAppRegistration({ features: ['users'], display_name: null, optional_grants: [] });
    expect(app.action).toBe('by-hand');
    expect(app.hand_steps.map((step) => step.text.code)).toEqual(['add-redirect-uris', 'add-graph-permissions']);
    expect(app.hand_steps[0]?.copy.map((value) => value.value)).toContain(ids.app_id);
    const review = await wizard.review();
    expect(review.hand_steps.map((step) => step.text.code)).toEqual([
      'add-redirect-uris',
      'add-graph-permissions',
      'upload-certificate',
      'grant-consent',
    ]);
    expect(review.changes.filter((change) => change.target === 'entra')).toEqual([]);
    expect(review.changes.find((change) => change.field === 'application_id')?.after).toBe(ids.app_id);
  });
});

describe('the mock wizard for a returning admin', () => {
  it('resumes a saved profile up to the chosen step and reviews only what changed', async () => {
    const wizard = createMockWizard({ fail: null, stepMs: 0, pbxVersion: '22.6.0', expired: null });
    const opened = await wizard.wizardOpen('contoso');
    expect(opened.profile_exists).toBe(true);
    const state = await wizard.wizardResume('sync-options');
    expect(state.completed).toEqual(['connect-pbx', 'microsoft', 'app-registration', 'key-pair', 'consent']);
    expect(state.pbx?.current.sync_time).toBe('0 2 * * *');
    const saved = state.profile.sync;
    if (!saved) {
      throw new Error('the saved profile has no sync options');
    }
    await wizard.setSyncOptions({ ...saved, sync_time: '30 3 * * *' });
    const review = await wizard.review();
    expect(review.changes).toEqual([
      expect.objectContaining({ target: 'pbx', field: 'sync_time', before: '0 2 * * *', after: '30 3 * * *' }),
    ]);
    await wizard.apply();
    expect((await wizard.wizardState()).completed).toContain('apply');
    await wizard.wizardOpen('contoso');
    await wizard.wizardResume('review');
    expect((await wizard.review()).nothing_to_change).toBe(true);
  });

  it('asks to sign in again on the step whose saved sign-in expired, with the steps before it done', async () => {
    const wizard = createMockWizard({ fail: null, stepMs: 0, pbxVersion: '22.6.0', expired: 'microsoft' });
    await wizard.wizardOpen('contoso');
    await expect(wizard.wizardResume('sync-options')).rejects.toMatchObject({ code: 'sign-in-again' });
    const state = await wizard.wizardState();
    expect(state.completed).toEqual(['connect-pbx']);
    expect(state.next).toBe('microsoft');
  });

  it('has nothing to resume for a new profile', async () => {
    const wizard = createMockWizard({ fail: null, stepMs: 0, pbxVersion: '22.6.0', expired: null });
    await wizard.wizardOpen('northwind');
    await expect(wizard.wizardResume('review')).rejects.toMatchObject({ code: 'input', field: 'profile' });
  });
});
