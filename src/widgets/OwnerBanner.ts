import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

/**
 * "Server of anna" in the top bar when a teacher works in someone else's server (admin
 * access): the page looks like their own Lab otherwise. The tab title says it too (set by the
 * server extension's page config, `appName`).
 */
export function createOwnerBanner(
  trans: TranslationBundle,
  owner: string
): Widget {
  const banner = new Widget();
  banner.id = 'jp-classroom-owner-banner';
  banner.addClass('jp-classroom-OwnerBanner');
  banner.node.setAttribute('role', 'status');
  banner.node.dataset.testid = 'classroom-owner-banner';
  banner.node.textContent = trans.__('Server of %1', owner);
  return banner;
}
