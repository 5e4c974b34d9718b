/** One step of the setup wizard, in the order of DESIGN.md's flow. */
export interface WizardStep {
  id: string;
  /** Short name in the left rail. */
  title: string;
  /** The page heading. */
  heading: string;
  /** What the step does, in the admin's terms. */
  summary: string;
}

export const WIZARD_STEPS: readonly WizardStep[] = [
  {
    id: 'connect-pbx',
    title: 'Connect PBX',
    heading: 'Connect to the PBX',
    summary:
      'Sign in to your PortSIP PBX tenant as its administrator. pbx365 reads the tenant, its current Microsoft 365 settings and the Redirect URIs that the Entra app registration needs.',
  },
  {
    id: 'microsoft-account',
    title: 'Microsoft account',
    heading: 'Sign in to Microsoft',
    summary:
      'Choose the Microsoft cloud (global or China) and sign in once, in your browser, as an administrator of your Entra tenant. pbx365 warns early if your account cannot grant the permissions the integration needs. Without those rights, guided mode lets you paste the Directory and Application IDs yourself.',
  },
  {
    id: 'app-registration',
    title: 'App registration',
    heading: 'App registration',
    summary:
      'Finds the Entra app that this profile created before, or creates it: single tenant, the PBX Redirect URIs, ID tokens enabled, and only the Microsoft Graph permissions that the chosen features need. An existing app is repaired, never duplicated.',
  },
  {
    id: 'key-pair',
    title: 'Key pair',
    heading: 'Key pair',
    summary:
      "The PBX generates a key pair and keeps the private key. pbx365 shows the certificate's subject, thumbprints and validity, and adds it to the app registration next to the keys it already has.",
  },
  {
    id: 'consent',
    title: 'Consent',
    heading: 'Admin consent',
    summary:
      "Grants the app's Microsoft Graph permissions for your organisation, waiting out Entra's replication delay. In guided mode, pbx365 opens the admin-consent page in your browser and waits for you.",
  },
  {
    id: 'sync-options',
    title: 'Sync options',
    heading: 'Sync options',
    summary:
      'When to sync, and what: which users (everyone, only the selected users, or everyone except the selected users), the first extension number, photos, guests, single sign-on roles, personal contacts and shared mailbox contacts.',
  },
  {
    id: 'review-apply',
    title: 'Review & apply',
    heading: 'Review & apply',
    summary:
      "Shows exactly what will change on the PBX and in Entra before anything is written, then applies it in an order that can always be resumed. Secrets are kept in your operating system's keyring, never in files.",
  },
  {
    id: 'verify',
    title: 'Verify',
    heading: 'Verify',
    summary:
      'Proves end to end that the integration works: the PBX lists your Microsoft 365 users, the app has exactly the permissions it needs, Redirect URIs and certificate dates agree on both sides. Every failure comes with its fix.',
  },
];
