import { NotebookPanel } from '@jupyterlab/notebook';
import { KernelSpec } from '@jupyterlab/services';

/**
 * The programming language of a notebook's kernel, lower case ('python', 'java', 'r', ...),
 * or null while it is not known (no kernel chosen yet).
 *
 * Order: the running kernel's spec (its `language`), then the notebook's saved kernelspec
 * metadata, then its language_info.
 */
export function notebookLanguage(
  panel: NotebookPanel | null,
  specs: KernelSpec.ISpecModels | null
): string | null {
  if (!panel) {
    return null;
  }
  const kernelName = panel.sessionContext.session?.kernel?.name;
  const spec = kernelName ? specs?.kernelspecs[kernelName] : undefined;
  if (spec?.language) {
    return spec.language.toLowerCase();
  }
  const model = panel.content.model;
  const meta = model?.getMetadata('kernelspec') as
    { language?: string; name?: string } | undefined;
  if (meta?.language) {
    return meta.language.toLowerCase();
  }
  const metaSpec = meta?.name ? specs?.kernelspecs[meta.name] : undefined;
  if (metaSpec?.language) {
    return metaSpec.language.toLowerCase();
  }
  const info = model?.getMetadata('language_info') as
    { name?: string } | undefined;
  return info?.name ? info.name.toLowerCase() : null;
}

/** A language name for messages ('python' -> 'Python', 'r' -> 'R'). */
export function displayLanguage(language: string): string {
  return language.length <= 1
    ? language.toUpperCase()
    : language[0].toUpperCase() + language.slice(1);
}
