import type { CopyLabel } from '../bindings/CopyLabel';
import type { HandStepText } from '../bindings/HandStepText';
import type { LinkLabel } from '../bindings/LinkLabel';
import { describeRotation } from '../certificates/rotation-text';
import { formatList } from '../i18n/format';
import { m } from '../paraglide/messages.js';
import type { Locale } from '../paraglide/runtime.js';

type Options = { locale?: Locale };
type Code = HandStepText['code'];
type Wording = { [C in Code]: (text: Extract<HandStepText, { code: C }>, o: Options) => { title: string; detail: string } };

/** A list the engine joins with ", " in its English; the UI's own language lists it its way. */
const list = (items: string[], o: Options) => (o.locale ? items.join(', ') : formatList(items));

/** The app registration a disconnecting step names. */
const appName = (displayName: string | null, appId: string, o: Options) =>
  displayName === null ? m.hand_step_app_unnamed({ app_id: appId }, o) : m.hand_step_app_named({ name: displayName, app_id: appId }, o);

/** Each hand step of the engine (guided.rs `HandStepText`), worded from its values. */
const WORDING: Wording = {
  'add-redirect-uris': (t, o) => ({
    title: m.hand_step_add_redirect_uris_title({}, o),
    detail: m.hand_step_add_redirect_uris_detail({ count: t.count }, o),
  }),
  'add-graph-permissions': (t, o) => ({
    title: m.hand_step_add_graph_permissions_title({}, o),
    detail: m.hand_step_add_graph_permissions_detail({ permissions: list(t.permissions, o) }, o),
  }),
  'upload-certificate': (t, o) => ({
    title: m.hand_step_upload_certificate_title({}, o),
    detail:
      m.hand_step_upload_certificate_detail({ path: t.path }, o) +
      (t.thumbprint === null ? '' : m.hand_step_upload_certificate_thumbprint({ thumbprint: t.thumbprint }, o)),
  }),
  'grant-consent': (_, o) => ({ title: m.hand_step_grant_consent_title({}, o), detail: m.hand_step_grant_consent_detail({}, o) }),
  'delete-app': (t, o) => ({
    title: m.hand_step_delete_app_title({}, o),
    detail: m.hand_step_delete_app_detail({ app: appName(t.display_name, t.app_id, o) }, o),
  }),
  'remove-pbx-certificate': (t, o) => ({
    title: m.hand_step_remove_pbx_certificate_title({}, o),
    detail: m.hand_step_remove_pbx_certificate_detail(
      {
        app: appName(t.display_name, t.app_id, o),
        which:
          t.thumbprints.length === 0
            ? m.hand_step_pbx_certificate_unknown({}, o)
            : m.hand_step_pbx_certificate_thumbprints({ thumbprints: list(t.thumbprints, o) }, o),
      },
      o,
    ),
  }),
  'remove-old-certificate': (t, o) => ({
    title: m.hand_step_remove_old_certificate_title({}, o),
    detail: describeRotation({ code: 'remove-old-by-hand', new_thumbprint: t.new_thumbprint, old_thumbprints: t.old_thumbprints }, o.locale),
  }),
};

/** A hand step's title and detail in the UI language, or in `locale` (the mock engine's English). */
export function describeHandStep(text: HandStepText, locale?: Locale): { title: string; detail: string } {
  const word = WORDING[text.code] as (text: HandStepText, o: Options) => { title: string; detail: string };
  return word(text, locale ? { locale } : {});
}

const COPY_LABELS: Record<CopyLabel, (inputs: Record<string, never>, o: Options) => string> = {
  'redirect-uri': m.hand_step_copy_redirect_uri,
  'second-redirect-uri': m.hand_step_copy_second_redirect_uri,
  'application-id': m.hand_step_copy_application_id,
  'directory-id': m.hand_step_copy_directory_id,
  permission: m.hand_step_copy_permission,
  file: m.hand_step_copy_file,
  'admin-consent-link': m.hand_step_copy_admin_consent_link,
  'api-permissions-page': m.hand_step_copy_api_permissions_page,
  'pbx-certificate-thumbprint': m.hand_step_copy_pbx_certificate_thumbprint,
  'old-thumbprint': m.hand_step_copy_old_thumbprint,
};

const LINK_LABELS: Record<LinkLabel, (inputs: Record<string, never>, o: Options) => string> = {
  overview: m.hand_step_link_overview,
  authentication: m.hand_step_link_authentication,
  certificates: m.hand_step_link_certificates,
  'api-permissions': m.hand_step_link_api_permissions,
  'admin-consent': m.hand_step_link_admin_consent,
};

/** What a value to copy is (guided.rs `CopyLabel`). */
export function copyLabel(label: CopyLabel, locale?: Locale): string {
  return COPY_LABELS[label]({}, locale ? { locale } : {});
}

/** A portal link's text (guided.rs `LinkLabel`). */
export function linkLabel(label: LinkLabel, locale?: Locale): string {
  return LINK_LABELS[label]({}, locale ? { locale } : {});
}
